"""The organisation's API keys, under /o/<slug>/security/api-keys/ (HR admins: MANAGE_SECURITY)."""

from django.urls import path

from . import key_views

urlpatterns = [
    path("", key_views.api_keys, name="api_keys"),
    path("<int:key_id>/revoke/", key_views.revoke_api_key, name="api_key_revoke"),
]
