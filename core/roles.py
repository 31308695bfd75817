"""Staff roles and the departments they work for (RULES.md 8.1), and the rule joining them."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Department(models.TextChoices):
    """The departments that take part (RULES.md 8.1)."""

    MEDICAL_SECURITY = "medical_security", _("医疗保障")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    RURAL_REVITALIZATION = "rural_revitalization", _("农业农村（乡村振兴）")
    TOWNSHIP = "township", _("乡镇（街道）")


class Role(models.TextChoices):
    TOWNSHIP_CASEWORKER = "township_caseworker", _("乡镇（街道）经办人")
    MEDICAL_SECURITY_REVIEWER = "medical_security_reviewer", _("医保审核员")
    CIVIL_AFFAIRS_OFFICER = "civil_affairs_officer", _("民政经办人")
    RURAL_REVITALIZATION_OFFICER = "rural_revitalization_officer", _("乡村振兴经办人")
    MANAGER = "manager", _("管理人员")
    FINANCE_OFFICER = "finance_officer", _("财务人员")
    SYSTEM_ADMINISTRATOR = "system_administrator", _("系统管理员")


# The department each role works for (RULES.md 8.1), written once: staff accounts get it, officers certify
# the categories of their department (RULES.md 1.2: 民政 the social-assistance categories, 乡村振兴
# monitored_rural) and answer the alerts pushed to it.
ROLE_DEPARTMENT: dict[str, str] = {
    Role.TOWNSHIP_CASEWORKER: Department.TOWNSHIP,
    Role.MEDICAL_SECURITY_REVIEWER: Department.MEDICAL_SECURITY,
    Role.CIVIL_AFFAIRS_OFFICER: Department.CIVIL_AFFAIRS,
    Role.RURAL_REVITALIZATION_OFFICER: Department.RURAL_REVITALIZATION,
    Role.MANAGER: Department.MEDICAL_SECURITY,
    # The finance office of the medical-security bureau: hospital clearing, fund income, payments.
    Role.FINANCE_OFFICER: Department.MEDICAL_SECURITY,
    Role.SYSTEM_ADMINISTRATOR: Department.MEDICAL_SECURITY,
}
DEPARTMENT_OFFICERS = frozenset({Role.CIVIL_AFFAIRS_OFFICER, Role.RURAL_REVITALIZATION_OFFICER})


def officer_department(user_or_role: object) -> str | None:
    """The certifying department of a department officer (a user or a role); None for every other role."""
    role = getattr(user_or_role, "role", user_or_role)
    return ROLE_DEPARTMENT[role] if role in DEPARTMENT_OFFICERS else None


def staff_name(user) -> str:
    """A staff member as the records name them: the full name, else the username; "" for no one."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def changed_by(user) -> str:
    """Who made a change, as every history names them: the staff member, or the system (系统) for a change no
    user made (a scheduled batch, a data load)."""
    return staff_name(user) or gettext("系统")
