from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_pairs, name="my_pairs"),
    path("overview/", views.pairs_overview, name="pairs_overview"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("<int:pair_id>/", views.pair_space, name="pair_space"),
    path("<int:pair_id>/endorsement/", views.endorsement, name="endorsement"),
    path("attestation/<int:programme_id>/", views.mentor_attestation, name="mentor_attestation"),
    path("<int:pair_id>/sessions/", views.session_list, name="session_list"),
    path("<int:pair_id>/sessions/new/", views.schedule_session, name="session_schedule"),
    path("<int:pair_id>/sessions/recurring/", views.recurring_slot, name="recurring_slot"),
    path("<int:pair_id>/sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path(
        "<int:pair_id>/sessions/<int:session_id>/move/", views.reschedule_session, name="session_reschedule"
    ),
    path("<int:pair_id>/sessions/<int:session_id>/cancel/", views.cancel_session, name="session_cancel"),
    path("<int:pair_id>/sessions/<int:session_id>/no-show/", views.mark_no_show, name="session_no_show"),
    path("<int:pair_id>/sessions/<int:session_id>/log/", views.log_session, name="session_log"),
    path("<int:pair_id>/sessions/<int:session_id>/agenda/", views.session_agenda, name="session_agenda"),
    path("<int:pair_id>/sessions/<int:session_id>/invitation.ics", views.session_ics, name="session_ics"),
    path("<int:pair_id>/curriculum/", views.pair_curriculum, name="pair_curriculum"),
    path("<int:pair_id>/challenges/", views.challenge_list, name="challenge_list"),
    path("<int:pair_id>/challenges/new/", views.challenge_create, name="challenge_create"),
    path("<int:pair_id>/challenges/<int:challenge_id>/", views.challenge_answer, name="challenge_answer"),
    path("<int:pair_id>/goals/new/", views.goal_create, name="goal_create"),
    path("<int:pair_id>/goals/<int:goal_id>/", views.goal_detail, name="goal_detail"),
    path("<int:pair_id>/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:pair_id>/actions/new/", views.action_create, name="action_create"),
    path("<int:pair_id>/actions/<int:action_id>/toggle/", views.action_toggle, name="action_toggle"),
    path("<int:pair_id>/resources/new/", views.resource_create, name="resource_create"),
    path("<int:pair_id>/resources/<int:resource_id>/delete/", views.resource_delete, name="resource_delete"),
]
