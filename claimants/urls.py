from django.urls import path, re_path

from claimants.views import certifications, households, imports, people, search

app_name = "claimants"

urlpatterns = [
    path("", people.ClaimantListView.as_view(), name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", people.ClaimantExportView.as_view(), name="export"),
    path("export-full/", people.ClaimantFullExportView.as_view(), name="export_full"),
    path("new/", people.ClaimantCreateView.as_view(), name="create"),
    path("search/", search.PersonSearchView.as_view(), name="person_search"),
    path("households/search/", search.HouseholdSearchView.as_view(), name="household_search"),
    path("<int:pk>/", people.ClaimantDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", people.ClaimantUpdateView.as_view(), name="update"),
    path("<int:pk>/reveal-id/", people.ClaimantRevealIdView.as_view(), name="reveal_id"),
    path("<int:pk>/certify/", certifications.CertificationCreateView.as_view(), name="certification_create"),
    path("households/new/", households.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", households.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", households.HouseholdUpdateView.as_view(), name="household_update"),
    path(
        "households/<int:pk>/members/",
        households.HouseholdMemberAddView.as_view(),
        name="household_member_add",
    ),
    path(
        "households/<int:pk>/members/<int:claimant_pk>/remove/",
        households.HouseholdMemberRemoveView.as_view(),
        name="household_member_remove",
    ),
    path("certifications/", certifications.CertificationListView.as_view(), name="certification_list"),
    path(
        "certifications/<int:pk>/revoke/",
        certifications.CertificationRevokeView.as_view(),
        name="certification_revoke",
    ),
    path("imports/", imports.ImportListView.as_view(), name="import_list"),
    path("imports/new/", imports.ImportCreateView.as_view(), name="import_create"),
    re_path(
        r"^imports/template\.(?P<fmt>csv|xlsx)$", imports.ImportTemplateView.as_view(), name="import_template"
    ),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/report.xlsx", imports.ImportReportView.as_view(), name="import_report"),
    path("imports/<int:pk>/commit/", imports.ImportCommitView.as_view(), name="import_commit"),
    path("imports/<int:pk>/discard/", imports.ImportDiscardView.as_view(), name="import_discard"),
]
