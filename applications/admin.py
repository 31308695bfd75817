"""Admin: read-mostly views of applications (changes go through the services), and the holiday calendar."""

from django.contrib import admin

from applications.models import AssistanceApplication, CaseEvent, PublicHoliday


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "from_state", "to_state", "reason")
    readonly_fields = fields


@admin.register(AssistanceApplication)
class AssistanceApplicationAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "claimant", "state", "region", "submitted_on", "due_on")
    list_filter = ("state", "kind")
    search_fields = ("claimant__name",)
    raw_id_fields = ("claimant", "region", "certification", "created_by")
    inlines = [CaseEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name")
    date_hierarchy = "day"
