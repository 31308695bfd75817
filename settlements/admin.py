"""Admin of the settlements app, scoped per city (``claimants.admin_access``). Policy years are edited in the
product (their form checks them with the engine's own validation and keeps the history); visits and
settlements are never deleted here."""

from django.contrib import admin

from claimants.admin_access import CityScopedAdmin, ServiceOwnedAdmin
from settlements.models import Hospital, PolicyYear, Visit


@admin.register(PolicyYear)
class PolicyYearAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    jurisdiction_field = "jurisdiction"
    list_display = ("jurisdiction", "year", "effective_from", "income_last_year", "version")
    list_filter = ("jurisdiction",)


@admin.register(Hospital)
class HospitalAdmin(CityScopedAdmin, admin.ModelAdmin):
    region_field = "region"
    list_display = ("code", "name", "level", "region", "in_province", "assistance_enabled")
    search_fields = ("code", "name")
    raw_id_fields = ("region",)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or not obj.visits.exists())


@admin.register(Visit)
class VisitAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    region_field = "claimant__hukou_region"
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
