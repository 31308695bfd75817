from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from settlements.cases import admin as cases_admin  # noqa: F401  (registers the application admin)
from settlements.models import Hospital, PolicyYear, Visit


@admin.register(PolicyYear)
class PolicyYearAdmin(SimpleHistoryAdmin):
    list_display = ("jurisdiction", "year", "effective_from", "income_last_year", "assistance_annual_cap")
    list_filter = ("jurisdiction",)


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "region", "in_province", "assistance_enabled")
    search_fields = ("code", "name")
    raw_id_fields = ("region",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = (
        "claimant",
        "visit_type",
        "admitted",
        "discharged",
        "policy_scope_cost",
        "basic_insurance_paid",
    )
    list_filter = ("visit_type", "year")
    raw_id_fields = ("claimant", "hospital")
