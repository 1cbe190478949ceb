from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="dashboard_report"),
    path("export.csv", views.export_csv, name="dashboard_export_csv"),
    path("export.xlsx", views.export_xlsx, name="dashboard_export_xlsx"),
    path("operations/", views.operations, name="operations"),
    path("programmes/<int:programme_id>/health/", views.programme_health, name="programme_health"),
    path("operations/pairs/<int:pair_id>/nudge/", views.nudge_pair, name="nudge_pair"),
    path(
        "operations/failed-emails/send-again/",
        views.send_failed_emails_again,
        name="send_failed_emails_again",
    ),
]
