from django.urls import path, re_path

from claimants import views

app_name = "claimants"

urlpatterns = [
    path("", views.ClaimantListView.as_view(), name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.ClaimantExportView.as_view(), name="export"),
    path("export-full/", views.ClaimantFullExportView.as_view(), name="export_full"),
    path("new/", views.ClaimantCreateView.as_view(), name="create"),
    path("search/", views.PersonSearchView.as_view(), name="person_search"),
    path("households/search/", views.HouseholdSearchView.as_view(), name="household_search"),
    path("<int:pk>/", views.ClaimantDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ClaimantUpdateView.as_view(), name="update"),
    path("<int:pk>/reveal-id/", views.ClaimantRevealIdView.as_view(), name="reveal_id"),
    path("<int:pk>/certify/", views.CertificationCreateView.as_view(), name="certification_create"),
    path("households/new/", views.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", views.HouseholdUpdateView.as_view(), name="household_update"),
    path("households/<int:pk>/members/", views.HouseholdMemberAddView.as_view(), name="household_member_add"),
    path(
        "households/<int:pk>/members/<int:claimant_pk>/remove/",
        views.HouseholdMemberRemoveView.as_view(),
        name="household_member_remove",
    ),
    path("certifications/", views.CertificationListView.as_view(), name="certification_list"),
    path(
        "certifications/<int:pk>/revoke/",
        views.CertificationRevokeView.as_view(),
        name="certification_revoke",
    ),
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", views.ImportCreateView.as_view(), name="import_create"),
    re_path(
        r"^imports/template\.(?P<fmt>csv|xlsx)$", views.ImportTemplateView.as_view(), name="import_template"
    ),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/report.xlsx", views.ImportReportView.as_view(), name="import_report"),
    path("imports/<int:pk>/commit/", views.ImportCommitView.as_view(), name="import_commit"),
    path("imports/<int:pk>/discard/", views.ImportDiscardView.as_view(), name="import_discard"),
]
