"""The organisation's webhook endpoints, under /o/<slug>/webhooks/ (HR admins: MANAGE_INTEGRATIONS)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.endpoint_list, name="webhooks"),
    path("new/", views.endpoint_create, name="webhook_create"),
    path("<int:endpoint_id>/", views.endpoint_detail, name="webhook_detail"),
    path("<int:endpoint_id>/secret/", views.endpoint_rotate, name="webhook_rotate"),
    path("<int:endpoint_id>/delete/", views.endpoint_delete, name="webhook_delete"),
    path(
        "<int:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        views.delivery_resend,
        name="webhook_resend",
    ),
]
