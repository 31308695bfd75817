"""Included by ``config/urls.py`` under ``settlements/applications/``, the address the pages always had."""

from django.urls import path, re_path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="application_list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.ApplicationExportView.as_view(), name="application_export"),
    path("accept/", views.ApplicationBulkAcceptView.as_view(), name="application_bulk_accept"),
    path("new/", views.ApplicationClaimantLookupView.as_view(), name="application_lookup"),
    path("new/<int:claimant_id>/", views.ApplicationRegisterView.as_view(), name="application_register"),
    path("<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("<int:pk>/documents/", views.DocumentUploadView.as_view(), name="application_document_upload"),
    path(
        "<int:pk>/documents/<int:document_id>/",
        views.DocumentDownloadView.as_view(),
        name="application_document",
    ),
    path("<int:pk>/receipt/", views.ApplicationReceiptView.as_view(), name="application_receipt"),
    path(
        "<int:pk>/refusal-notice/",
        views.ApplicationRefusalNoticeView.as_view(),
        name="application_refusal_notice",
    ),
    path("<int:pk>/<slug:action>/", views.ApplicationActionView.as_view(), name="application_action"),
]
