from django.urls import path

from . import views

urlpatterns = [
    path("", views.organization_home, name="organization_home"),
    path("logo/", views.organization_logo, name="organization_logo"),
    path("members/", views.members, name="members"),
    path(
        "members/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"
    ),
    path("members/<int:user_id>/roles/<str:role>/remove/", views.remove_role, name="remove_role"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("audit/export/", views.audit_export_file, name="audit_export"),
    path("audit/retention/", views.audit_retention, name="audit_retention"),
]
