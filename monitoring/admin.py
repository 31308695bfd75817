"""Admin of monitoring, scoped per city (``claimants.admin_access``): a city administrator sets their city's
monitoring rule and reads its runs, batches and alerts; alerts are answered in the product."""

from django.contrib import admin

from claimants.admin_access import CityScopedAdmin, ServiceOwnedAdmin
from monitoring.models import AlertRun, HighCostAlert, MonitoringRule, PushBatch


@admin.register(MonitoringRule)
class MonitoringRuleAdmin(CityScopedAdmin, admin.ModelAdmin):
    jurisdiction_field = "jurisdiction"
    list_display = ("jurisdiction", "enabled", "feedback_days", "amount_basis")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(AlertRun)
class AlertRunAdmin(admin.ModelAdmin):
    """Runs cover several cities: the system-wide account's."""

    list_display = (
        "period",
        "trigger",
        "status",
        "regions_done",
        "regions_total",
        "hits",
        "pushed",
        "started_at",
    )
    list_filter = ("status", "trigger")
    readonly_fields = [f.name for f in AlertRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PushBatch)
class PushBatchAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    region_field = "region"
    list_display = ("period", "region", "threshold", "created_at", "finished_at")
    list_filter = ("period",)
    raw_id_fields = ("region", "run")


@admin.register(HighCostAlert)
class HighCostAlertAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    region_field = "county"
    list_display = ("period", "claimant", "department", "kind", "disposition", "amount", "result")
    list_filter = ("period", "department", "kind", "disposition", "result")
    raw_id_fields = (
        "claimant",
        "county",
        "hukou_region",
        "insured_region",
        "carried_from",
        "batch",
        "certification",
        "answered_by",
    )
