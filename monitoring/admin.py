from django.contrib import admin

from monitoring.models import AlertRun, HighCostAlert, MonitoringRule, PushBatch


@admin.register(MonitoringRule)
class MonitoringRuleAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "enabled", "feedback_days", "amount_basis")


@admin.register(AlertRun)
class AlertRunAdmin(admin.ModelAdmin):
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


@admin.register(PushBatch)
class PushBatchAdmin(admin.ModelAdmin):
    list_display = ("period", "region", "threshold", "created_at", "finished_at")
    list_filter = ("period",)
    raw_id_fields = ("region", "run")


@admin.register(HighCostAlert)
class HighCostAlertAdmin(admin.ModelAdmin):
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
