"""``/scim/v2/``: the SCIM 2.0 service provider (RFC 7644), authenticated by the organisation's token."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config, name="scim_service_provider_config"),
    path("ResourceTypes", views.resource_types, name="scim_resource_types"),
    path("ResourceTypes/<str:name>", views.resource_type, name="scim_resource_type"),
    path("Schemas", views.schemas, name="scim_schemas"),
    path("Schemas/<str:urn>", views.schema, name="scim_schema"),
    path(".search", views.search_everything, name="scim_search"),
    path("Users", views.users, name="scim_users"),
    path("Users/.search", views.search_users, name="scim_users_search"),
    path("Users/<str:scim_id>", views.user, name="scim_user"),
    path("Groups", views.groups, name="scim_groups"),
    path("Groups/.search", views.search_groups, name="scim_groups_search"),
    path("Groups/<str:group_id>", views.group, name="scim_group"),
    # Anything else is SCIM's 404, in SCIM's error JSON (RFC 7644 §3.12).
    re_path(r"^(?P<rest>.*)$", views.unknown, name="scim_unknown"),
]
