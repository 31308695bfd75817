"""Who administers what in ``/admin/``: one system-wide superuser, and city administrators for their city.

A city administrator (role ``system_administrator``, staff, never superuser) administers the rows of
their region subtree or jurisdiction only, with the model permissions of the group ``CITY_ADMINISTRATORS``:
staff accounts of their region, hospitals, monitoring rules of their city; reading people, certifications,
visits, applications, alert runs and the audit log of their region. The group is kept by
``ensure_city_administrator_group`` after every ``migrate``; ``sync_staff_access`` gives an account the
access its role calls for whenever it is saved through the admin or the demo.

Not a city administrator's: the periodic schedules (django-celery-beat rows are not per city), API tokens,
regions, holidays, other administrators' permissions. The audit log can be read and never changed or
deleted (``AuditLog`` refuses it), and settled or reviewed records are never deleted from the admin.
"""

from django.contrib.auth.models import Group, Permission

from claimants.models import Region
from core.regions import region_lookup
from core.roles import Role

CITY_ADMINISTRATORS = "市级系统管理员"  # shown in the admin, in the users' language

# app label -> {model name: actions}
CITY_ADMINISTRATOR_PERMISSIONS = {
    "claimants": {
        "user": ("view", "add", "change"),
        "claimant": ("view",),
        "certification": ("view",),
        "household": ("view",),
        "auditlog": ("view",),
        "importbatch": ("view",),
    },
    "settlements": {
        "policyyear": ("view",),
        "hospital": ("view", "add", "change"),
        "visit": ("view",),
    },
    "applications": {
        "assistanceapplication": ("view",),
    },
    "monitoring": {
        "monitoringrule": ("view", "change"),
        "alertrun": ("view",),
        "pushbatch": ("view",),
        "highcostalert": ("view",),
    },
}


def ensure_city_administrator_group(**kwargs) -> None:
    """Create or correct the group (``post_migrate``: permissions exist only after the migrations ran)."""
    codenames = {
        (app, f"{action}_{model}")
        for app, models in CITY_ADMINISTRATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=CITY_ADMINISTRATOR_PERMISSIONS,
            codename__in={codename for _app, codename in codenames},
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in codenames
    ]
    if len(permissions) < len(codenames):
        return  # an app's permissions are not created yet: the next post_migrate completes the group
    group, _created = Group.objects.get_or_create(name=CITY_ADMINISTRATORS)
    group.permissions.set(permissions)


def sync_staff_access(user) -> None:
    """A city administrator reaches the admin through the group; nobody else of the staff reaches it.
    Superusers are left as they are (``createsuperuser`` makes the one system-wide account)."""
    if user.is_superuser:
        return
    city_admin = user.role == Role.SYSTEM_ADMINISTRATOR and bool(user.region_id)
    if user.is_staff != city_admin:
        user.is_staff = city_admin
        user.save(update_fields=["is_staff"])
    group = Group.objects.filter(name=CITY_ADMINISTRATORS).first()
    if group is not None:
        (user.groups.add if city_admin else user.groups.remove)(group)


class CityScopedAdmin:
    """ModelAdmin mixin: a superuser sees every row; anyone else the rows of their region subtree
    (``region_field``, a path to a Region key) or of their jurisdiction (``jurisdiction_field``), and
    chooses regions and jurisdictions among their own only."""

    region_field: str | None = None
    jurisdiction_field: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        if not user.region_id:
            return queryset.none()
        if self.region_field:
            return queryset.filter(**region_lookup(self.region_field, user.region_id))
        if self.jurisdiction_field:
            return queryset.filter(**{self.jurisdiction_field: user.jurisdiction})
        return queryset.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Region and not request.user.is_superuser:
            kwargs["queryset"] = Region.objects.filter(code__startswith=request.user.region_id or "-")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == self.jurisdiction_field and not request.user.is_superuser:
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value == request.user.jurisdiction
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class ServiceOwnedAdmin:
    """ModelAdmin mixin for records only the product's services write (with their checks, history and
    audit): the admin shows them to everybody allowed to view them, superuser included, and changes none."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
