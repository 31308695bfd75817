from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from claimants.models import AuditLog, Certification, Claimant, Household, Region, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, (_("岗位"), {"fields": ("role", "department", "region")}))
    list_display = ("username", "first_name", "role", "department", "region", "is_active")
    list_filter = ("role", "department", "is_active")
    raw_id_fields = ("region",)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "jurisdiction", "is_statistical_zone")
    list_filter = ("level", "jurisdiction")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Claimant)
class ClaimantAdmin(SimpleHistoryAdmin):
    list_display = ("name", "masked_id_number", "hukou_region", "scheme")
    search_fields = ("name",)
    raw_id_fields = ("hukou_region", "insured_region", "household")


@admin.register(Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ("claimant", "category", "jurisdiction", "valid_from", "valid_to", "status", "source")
    list_filter = ("jurisdiction", "category", "status", "source")
    raw_id_fields = ("claimant", "created_by")


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("number", "region", "address")
    raw_id_fields = ("region",)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "target_type", "target_id")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
