"""Admin (``/admin/``): the system-wide superuser administers everything; a city administrator their city
(``claimants.admin_access``). ID numbers are masked here as everywhere; people are changed in the product."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from claimants.admin_access import CityScopedAdmin, ServiceOwnedAdmin, sync_staff_access
from claimants.models import AuditLog, Certification, Claimant, Household, Region, User


@admin.register(User)
class StaffAdmin(CityScopedAdmin, UserAdmin):
    region_field = "region"
    fieldsets = (*UserAdmin.fieldsets, (_("岗位"), {"fields": ("role", "department", "region")}))
    city_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("岗位"), {"fields": ("role", "department", "region", "is_active")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("岗位"), {"fields": ("role", "department", "region")}),
    )
    list_display = ("username", "first_name", "role", "department", "region", "is_active")
    list_filter = ("role", "department", "is_active")
    raw_id_fields = ("region",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "region" in form.base_fields:
            form.base_fields["region"].required = True  # an account of the city administrator's region
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.city_fieldsets  # no superuser flag, groups or permissions for a city administrator

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_staff_access(obj)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "jurisdiction", "is_statistical_zone")
    list_filter = ("level", "jurisdiction")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Claimant)
class ClaimantAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    """Read here, changed in the product (registration, history, audit of reveals): the number is masked
    and the birth date given as a year, as on every page."""

    region_field = "hukou_region"
    list_display = ("name", "masked_id_number", "birth_year", "hukou_region", "scheme")
    search_fields = ("name",)
    exclude = ("id_number", "birth_date")
    readonly_fields = ("masked_id_number", "birth_year")
    raw_id_fields = ("hukou_region", "insured_region", "household")


@admin.register(Certification)
class CertificationAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    region_field = "claimant__hukou_region"
    list_display = ("claimant", "category", "jurisdiction", "valid_from", "valid_to", "status", "source")
    list_filter = ("jurisdiction", "category", "status", "source")
    raw_id_fields = ("claimant", "created_by")


@admin.register(Household)
class HouseholdAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    region_field = "region"
    list_display = ("number", "region", "address")
    raw_id_fields = ("region",)


@admin.register(AuditLog)
class AuditLogAdmin(ServiceOwnedAdmin, CityScopedAdmin, admin.ModelAdmin):
    """Read-only for everybody (the model refuses changes too)."""

    region_field = "user__region"
    list_display = ("at", "user", "action", "target_type", "target_id")
    list_filter = ("action",)
