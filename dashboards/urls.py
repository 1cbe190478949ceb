from django.urls import path

from . import report_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="dashboard_report"),
    path("impact-report/", report_views.impact_report, name="impact_report"),
    path("impact-report.xlsx", report_views.impact_report_xlsx, name="impact_report_xlsx"),
    path(
        "impact-report/subscription/",
        report_views.impact_report_subscription,
        name="impact_report_subscription",
    ),
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
