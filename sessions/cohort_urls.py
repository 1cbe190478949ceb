from django.urls import path

from . import cohort_views as views

urlpatterns = [
    path("cohort/", views.my_cohort, name="my_cohort"),
    path("programmes/<int:programme_id>/cohort/", views.cohort_page, name="cohort"),
    path(
        "programmes/<int:programme_id>/cohort/new/", views.cohort_session_create, name="cohort_session_create"
    ),
    path(
        "programmes/<int:programme_id>/cohort/<int:cohort_session_id>/",
        views.cohort_session_detail,
        name="cohort_session",
    ),
    path(
        "programmes/<int:programme_id>/cohort/<int:cohort_session_id>/edit/",
        views.cohort_session_edit,
        name="cohort_session_edit",
    ),
    path(
        "programmes/<int:programme_id>/cohort/<int:cohort_session_id>/cancel/",
        views.cohort_session_cancel,
        name="cohort_session_cancel",
    ),
    path(
        "programmes/<int:programme_id>/cohort/<int:cohort_session_id>/attendance/",
        views.cohort_attendance,
        name="cohort_attendance",
    ),
    path(
        "programmes/<int:programme_id>/cohort/<int:cohort_session_id>/excuse/",
        views.cohort_excuse,
        name="cohort_excuse",
    ),
    path(
        "programmes/<int:programme_id>/cohort/<int:cohort_session_id>/invitation.ics",
        views.cohort_session_ics,
        name="cohort_session_ics",
    ),
]
