from django.urls import path

from . import views

urlpatterns = [
    path("surveys/", views.rates, name="surveys"),
    path("surveys/<int:template_id>/", views.template_detail, name="survey_template"),
    path("surveys/<int:template_id>/edit/", views.template_edit, name="survey_template_edit"),
    path("surveys/<int:template_id>/preview/", views.preview, name="survey_preview"),
    path(
        "surveys/<int:template_id>/questions/<int:question_id>/",
        views.question_edit,
        name="survey_question_edit",
    ),
    path(
        "surveys/<int:template_id>/questions/<int:question_id>/move/",
        views.question_move,
        name="survey_question_move",
    ),
    path(
        "surveys/<int:template_id>/questions/<int:question_id>/duplicate/",
        views.question_duplicate,
        name="survey_question_duplicate",
    ),
    path(
        "surveys/<int:template_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="survey_question_delete",
    ),
]
