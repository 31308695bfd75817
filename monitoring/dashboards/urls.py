from django.urls import path

from monitoring.dashboards import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export/<slug:key>.xlsx", views.PanelExportView.as_view(), name="dashboard_export"),
    path("dashboard/report.xlsx", views.MonthlyReportView.as_view(), name="dashboard_report"),
]
