from django.urls import path

from . import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/skills/", views.skill_list, name="skill_list"),
    path("programmes/skills/<int:skill_id>/", views.skill_edit, name="skill_edit"),
    path("programmes/<int:programme_id>/", views.programme_overview, name="programme_overview"),
    path("programmes/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/status/", views.programme_transition, name="programme_transition"),
    path("programmes/<int:programme_id>/duplicate/", views.programme_duplicate, name="programme_duplicate"),
    path("programmes/<int:programme_id>/resources/", views.programme_resources, name="programme_resources"),
    path(
        "programmes/<int:programme_id>/resources/<int:resource_id>/delete/",
        views.resource_delete,
        name="programme_resource_delete",
    ),
    path(
        "programmes/<int:programme_id>/resources/<int:resource_id>/",
        views.resource_download,
        name="resource_download",
    ),
    path("programmes/<int:programme_id>/curriculum/", views.curriculum, name="curriculum"),
    path(
        "programmes/<int:programme_id>/curriculum/default/",
        views.curriculum_copy_default,
        name="curriculum_copy_default",
    ),
    path("programmes/<int:programme_id>/curriculum/new/", views.module_create, name="module_create"),
    path("programmes/<int:programme_id>/curriculum/<int:module_id>/", views.module_edit, name="module_edit"),
    path(
        "programmes/<int:programme_id>/curriculum/<int:module_id>/move/",
        views.module_move,
        name="module_move",
    ),
    path(
        "programmes/<int:programme_id>/curriculum/<int:module_id>/duplicate/",
        views.module_duplicate,
        name="module_duplicate",
    ),
    path(
        "programmes/<int:programme_id>/curriculum/<int:module_id>/delete/",
        views.module_delete,
        name="module_delete",
    ),
    path("programmes/<int:programme_id>/participants/", views.participant_list, name="participant_list"),
    path(
        "programmes/<int:programme_id>/participants/<int:participant_id>/",
        views.participant_detail,
        name="participant_detail",
    ),
    path(
        "programmes/<int:programme_id>/participants/<int:participant_id>/edit/",
        views.participant_edit,
        name="participant_edit",
    ),
    path(
        "programmes/<int:programme_id>/participants/<int:participant_id>/withdraw/",
        views.participant_withdraw,
        name="participant_withdraw",
    ),
    path("programmes/<int:programme_id>/participants/add/", views.participant_add, name="participant_add"),
    path(
        "programmes/<int:programme_id>/participants/import/",
        views.participant_import,
        name="participant_import",
    ),
    path(
        "programmes/<int:programme_id>/participants/import/<int:import_id>/",
        views.participant_import_preview,
        name="participant_import_preview",
    ),
    path(
        "programmes/<int:programme_id>/participants/import/<int:import_id>/rejected/",
        views.participant_import_rejected,
        name="participant_import_rejected",
    ),
    path(
        "programmes/<int:programme_id>/participants/export/",
        views.participant_export,
        name="participant_export",
    ),
    path("programmes/<int:programme_id>/outcomes/", views.programme_outcomes, name="programme_outcomes"),
    path("programmes/<int:programme_id>/enrol/", views.enrol, name="enrol"),
    path("programmes/<int:programme_id>/charter/", views.charter, name="charter"),
    path("programmes/<int:programme_id>/withdraw/", views.withdraw, name="withdraw"),
    path("programmes/<int:programme_id>/preparation/", views.preparation, name="preparation"),
    path("my-programmes/", views.my_programmes, name="my_programmes"),
    path("my-programmes/<int:programme_id>/profile/", views.my_profile, name="my_profile"),
]
