from django.urls import path

from . import views

urlpatterns = [
    path("", views.matching_index, name="matching"),
    path("<int:programme_id>/", views.matching_programme, name="matching_programme"),
    path("<int:programme_id>/settings/", views.matching_settings, name="matching_settings"),
    path("<int:programme_id>/rules/", views.matching_rules, name="matching_rules"),
    path("<int:programme_id>/run/", views.run_matching, name="matching_run"),
    path("<int:programme_id>/rotation/", views.open_rotation, name="matching_rotation"),
    path("<int:programme_id>/start/", views.start_pairs, name="matching_start_pairs"),
    path("rules/<int:rule_id>/delete/", views.delete_rule, name="matching_rule_delete"),
    path("rounds/<int:round_id>/", views.matching_round, name="matching_round"),
    path("rounds/<int:round_id>/rerun/", views.rerun_round, name="matching_rerun"),
    path("rounds/<int:round_id>/publish/", views.publish_round, name="matching_publish"),
    path("rounds/<int:round_id>/swap/", views.swap_proposals, name="matching_swap"),
    path("proposals/<int:pair_id>/lock/", views.lock_proposal, name="matching_lock"),
    path("proposals/<int:pair_id>/exclude/", views.exclude_proposal, name="matching_exclude"),
    path("pairs/<int:pair_id>/end/", views.end_pair, name="matching_end_pair"),
    path(
        "pairs/<int:pair_id>/waive-preparation/", views.waive_preparation, name="matching_waive_preparation"
    ),
]
