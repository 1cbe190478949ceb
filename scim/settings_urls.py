from django.urls import path

from . import settings_views

urlpatterns = [
    path("", settings_views.scim_settings, name="security_scim"),
    path("tokens/<int:token_id>/revoke/", settings_views.revoke_token, name="security_scim_revoke_token"),
]
