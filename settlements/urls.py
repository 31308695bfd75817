from django.urls import path, re_path

from settlements.views import imports, ledgers, policy_years, settlement, visits

app_name = "settlements"

urlpatterns = [
    path("visits/", visits.VisitListView.as_view(), name="visit_list"),
    re_path(r"^visits/export\.(?P<fmt>csv|xlsx)$", visits.VisitExportView.as_view(), name="visit_export"),
    path("visits/new/", visits.VisitCreateView.as_view(), name="visit_create"),
    path("visits/settle/", visits.VisitBulkSettleView.as_view(), name="visit_bulk_settle"),
    path("visits/<int:pk>/", visits.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/settle/", visits.VisitSettleView.as_view(), name="visit_settle"),
    path("imports/", imports.VisitImportListView.as_view(), name="import_list"),
    path("imports/new/", imports.VisitImportCreateView.as_view(), name="import_create"),
    re_path(
        r"^imports/template\.(?P<fmt>csv|xlsx)$",
        imports.VisitImportTemplateView.as_view(),
        name="import_template",
    ),
    path("imports/<int:pk>/", imports.VisitImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/report.xlsx", imports.VisitImportReportView.as_view(), name="import_report"),
    path("imports/<int:pk>/commit/", imports.VisitImportCommitView.as_view(), name="import_commit"),
    path("imports/<int:pk>/discard/", imports.VisitImportDiscardView.as_view(), name="import_discard"),
    path("", settlement.SettlementListView.as_view(), name="settlement_list"),
    re_path(
        r"^export\.(?P<fmt>csv|xlsx)$", settlement.SettlementExportView.as_view(), name="settlement_export"
    ),
    path("<int:pk>/", settlement.SettlementDetailView.as_view(), name="settlement_detail"),
    path("<int:pk>/reverse/", settlement.SettlementReverseView.as_view(), name="settlement_reverse"),
    path("<int:pk>/statement/", settlement.StatementView.as_view(), name="statement"),
    path("<int:pk>/statement.pdf", settlement.StatementPdfView.as_view(), name="statement_pdf"),
    path("<int:pk>/statement.xlsx", settlement.StatementXlsxView.as_view(), name="statement_xlsx"),
    path("ledger/<int:claimant_id>/<int:year>/", ledgers.LedgerView.as_view(), name="ledger"),
    path("resettlement/", ledgers.ResettlementListView.as_view(), name="resettlement_list"),
    path(
        "resettlement/<int:claimant_id>/<int:year>/",
        ledgers.ClaimantResettlementView.as_view(),
        name="claimant_resettlement",
    ),
    path("policy-years/", policy_years.PolicyYearListView.as_view(), name="policy_year_list"),
    path("policy-years/new/", policy_years.PolicyYearEditView.as_view(), name="policy_year_create"),
    path("policy-years/<int:pk>/", policy_years.PolicyYearEditView.as_view(), name="policy_year_edit"),
]
