"""The organisation's two-factor pages, under /o/<slug>/security/mfa/ (included by mentoring.urls)."""

from django.urls import path

from . import mfa_views

urlpatterns = [
    path("", mfa_views.mfa_policy, name="mfa_policy"),
    path("members/<int:user_id>/reset/", mfa_views.reset_member_mfa, name="mfa_reset_member"),
]
