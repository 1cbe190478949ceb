from django.urls import path

from . import assistant_views as views

urlpatterns = [
    path("assistants/", views.my_assistants, name="my_assistants"),
    path("assistants/all/", views.delegations, name="delegations"),
    path("assistants/<int:delegation_id>/remove/", views.delegation_remove, name="delegation_remove"),
    path("assisting/", views.assistant_sessions, name="assistant_sessions"),
    path("assisting/pairs/<int:pair_id>/plan/", views.assistant_schedule, name="assistant_schedule"),
    path(
        "assisting/sessions/<int:session_id>/move/", views.assistant_reschedule, name="assistant_reschedule"
    ),
    path("assisting/sessions/<int:session_id>/cancel/", views.assistant_cancel, name="assistant_cancel"),
]
