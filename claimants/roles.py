"""Role checks in one place. A wrong role gets 403; a record outside the user's region gets 404 (selectors)."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from claimants import categories
from core.roles import DEPARTMENT_OFFICERS, Role, officer_department

CASEWORKER = Role.TOWNSHIP_CASEWORKER
REVIEWER = Role.MEDICAL_SECURITY_REVIEWER
CIVIL = Role.CIVIL_AFFAIRS_OFFICER
RURAL = Role.RURAL_REVITALIZATION_OFFICER
MANAGER = Role.MANAGER
FINANCE = Role.FINANCE_OFFICER
ADMIN = Role.SYSTEM_ADMINISTRATOR

ALL_ROLES = frozenset(Role.values)


def has_role(user, roles: Iterable[str]) -> bool:
    return bool(user.is_authenticated and user.region_id and user.role in set(roles))


def may_certify(user, category: str) -> bool:
    """Whether ``user`` belongs to the department that certifies ``category``."""
    return has_role(user, DEPARTMENT_OFFICERS) and officer_department(
        user
    ) == categories.certifying_department(category)


def may_see_full_id(user) -> bool:
    return has_role(user, settings.JIUZHU_FULL_ID_ROLES)


def may_export_full_ids(user) -> bool:
    return has_role(user, settings.JIUZHU_FULL_ID_EXPORT_ROLES)


def require_role(user, roles: Iterable[str]) -> None:
    if not has_role(user, roles):
        raise PermissionDenied


class RoleRequiredMixin(LoginRequiredMixin):
    """Class-based views list the roles that may use them; anonymous users go to the login page."""

    allowed_roles: Iterable[str] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_role(request.user, self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)
