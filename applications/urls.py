"""Included by ``config/urls.py`` under ``settlements/applications/``, the address the pages always had."""

from django.urls import path, re_path

from applications.views import cases, queues

app_name = "applications"

urlpatterns = [
    path("", queues.ApplicationListView.as_view(), name="application_list"),
    re_path(
        r"^export\.(?P<fmt>csv|xlsx)$", queues.ApplicationExportView.as_view(), name="application_export"
    ),
    path("accept/", queues.ApplicationBulkAcceptView.as_view(), name="application_bulk_accept"),
    path("new/", queues.ApplicationClaimantLookupView.as_view(), name="application_lookup"),
    path("new/<int:claimant_id>/", queues.ApplicationRegisterView.as_view(), name="application_register"),
    path("<int:pk>/", cases.ApplicationDetailView.as_view(), name="application_detail"),
    path("<int:pk>/documents/", cases.DocumentUploadView.as_view(), name="application_document_upload"),
    path(
        "<int:pk>/documents/<int:document_id>/",
        cases.DocumentDownloadView.as_view(),
        name="application_document",
    ),
    path("<int:pk>/receipt/", cases.ApplicationReceiptView.as_view(), name="application_receipt"),
    path(
        "<int:pk>/refusal-notice/",
        cases.ApplicationRefusalNoticeView.as_view(),
        name="application_refusal_notice",
    ),
    path("<int:pk>/<slug:action>/", cases.ApplicationActionView.as_view(), name="application_action"),
]
