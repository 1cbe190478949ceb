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
]
