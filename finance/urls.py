from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("clearing/", views.ClearingView.as_view(), name="clearing"),
    path("clearing/hospitals/<int:pk>/build/", views.BuildStatementView.as_view(), name="statement_build"),
    path("clearing/platform-totals/", views.PlatformImportView.as_view(), name="platform_import"),
    path("clearing/statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement_detail"),
    path("clearing/statements/<int:pk>/print/", views.StatementPrintView.as_view(), name="statement_print"),
    path(
        "clearing/statements/<int:pk>/statement.pdf", views.StatementPdfView.as_view(), name="statement_pdf"
    ),
    path(
        "clearing/statements/<int:pk>/statement.xlsx",
        views.StatementXlsxView.as_view(),
        name="statement_xlsx",
    ),
    path(
        "clearing/statements/<int:pk>/<slug:action>/",
        views.StatementActionView.as_view(),
        name="statement_action",
    ),
    path("funds/", views.FundReportView.as_view(), name="funds"),
    path("funds/income/", views.IncomeCreateView.as_view(), name="income_create"),
    path("funds/budget/", views.BudgetSetView.as_view(), name="budget_set"),
]
