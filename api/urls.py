"""The REST API under /api/: version 1 of the endpoints, the OpenAPI schema and its documentation pages."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import problems, views

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("v1/programmes/", views.ProgrammeViewSet.as_view(LIST), name="api_programmes"),
    path("v1/programmes/<int:programme_id>/", views.ProgrammeViewSet.as_view(DETAIL), name="api_programme"),
    path(
        "v1/participants/",
        views.ParticipantViewSet.as_view({"get": "list", "post": "create"}),
        name="api_participants",
    ),
    path(
        "v1/participants/<int:participant_id>/",
        views.ParticipantViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="api_participant",
    ),
    path("v1/pairs/", views.PairViewSet.as_view(LIST), name="api_pairs"),
    path("v1/pairs/<int:pair_id>/", views.PairViewSet.as_view(DETAIL), name="api_pair"),
    path("v1/sessions/", views.SessionViewSet.as_view(LIST), name="api_sessions"),
    path("v1/sessions/<int:session_id>/", views.SessionViewSet.as_view(DETAIL), name="api_session"),
    path("v1/goals/", views.GoalViewSet.as_view(LIST), name="api_goals"),
    path("v1/goals/<int:goal_id>/", views.GoalViewSet.as_view(DETAIL), name="api_goal"),
    path("v1/figures/", views.FiguresView.as_view(), name="api_figures"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/swagger_ui.html"),
        name="api_docs",
    ),
    re_path(r"^.*$", problems.not_found, name="api_not_found"),
]
