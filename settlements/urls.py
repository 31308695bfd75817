from django.urls import path, re_path

from settlements import views

app_name = "settlements"

urlpatterns = [
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    re_path(r"^visits/export\.(?P<fmt>csv|xlsx)$", views.VisitExportView.as_view(), name="visit_export"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/settle/", views.VisitBulkSettleView.as_view(), name="visit_bulk_settle"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/settle/", views.VisitSettleView.as_view(), name="visit_settle"),
    path("imports/", views.VisitImportListView.as_view(), name="import_list"),
    path("imports/new/", views.VisitImportCreateView.as_view(), name="import_create"),
    re_path(
        r"^imports/template\.(?P<fmt>csv|xlsx)$",
        views.VisitImportTemplateView.as_view(),
        name="import_template",
    ),
    path("imports/<int:pk>/", views.VisitImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/report.xlsx", views.VisitImportReportView.as_view(), name="import_report"),
    path("imports/<int:pk>/commit/", views.VisitImportCommitView.as_view(), name="import_commit"),
    path("imports/<int:pk>/discard/", views.VisitImportDiscardView.as_view(), name="import_discard"),
    path("", views.SettlementListView.as_view(), name="settlement_list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.SettlementExportView.as_view(), name="settlement_export"),
    path("<int:pk>/", views.SettlementDetailView.as_view(), name="settlement_detail"),
    path("<int:pk>/reverse/", views.SettlementReverseView.as_view(), name="settlement_reverse"),
    path("<int:pk>/statement/", views.StatementView.as_view(), name="statement"),
    path("<int:pk>/statement.pdf", views.StatementPdfView.as_view(), name="statement_pdf"),
    path("<int:pk>/statement.xlsx", views.StatementXlsxView.as_view(), name="statement_xlsx"),
    path("ledger/<int:claimant_id>/<int:year>/", views.LedgerView.as_view(), name="ledger"),
    path("resettlement/", views.ResettlementListView.as_view(), name="resettlement_list"),
    path(
        "resettlement/<int:claimant_id>/<int:year>/",
        views.ClaimantResettlementView.as_view(),
        name="claimant_resettlement",
    ),
    path("policy-years/", views.PolicyYearListView.as_view(), name="policy_year_list"),
    path("policy-years/new/", views.PolicyYearEditView.as_view(), name="policy_year_create"),
    path("policy-years/<int:pk>/", views.PolicyYearEditView.as_view(), name="policy_year_edit"),
]
