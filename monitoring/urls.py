from django.urls import include, path, re_path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.MonitoringView.as_view(), name="overview"),
    path("runs/", views.RunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run_progress"),
    path("runs/<int:pk>/resume/", views.RunResumeView.as_view(), name="run_resume"),
    path("alerts/", views.AlertListView.as_view(), name="alert_list"),
    re_path(r"^alerts/export\.(?P<fmt>csv|xlsx)$", views.AlertExportView.as_view(), name="alert_export"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert_detail"),
    path("batches/", views.BatchListView.as_view(), name="batch_list"),
    path("batches/<int:pk>/xlsx/", views.BatchDownloadView.as_view(), name="batch_download"),
    path("certified/", views.CertifiedFromAlertsView.as_view(), name="certified_list"),
    path("", include("monitoring.dashboards.urls")),
]
