"""Assistance applications (依申请救助) and their case history.

「按照职责分工做好困难群众医疗救助申请受理、分办转办及结果反馈」 [001:L40]: the township office accepts
(受理), routes to civil affairs or rural revitalization (分办转办) where an identity is not yet certified,
the department replies (结果反馈), medical security reviews and pays. The workflow is declared once here with
django-fsm-2 transitions; each carries the roles that may take it. The services (``applications.services``)
call them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.kinds import kind_choices
from claimants import categories, roles
from claimants.models import Certification, Claimant, Region
from core.roles import DEPARTMENT_OFFICERS, Department
from settlements.models.visits import MONEY

# Categories a person may ask to be certified in through an application (NAT-18), and the ones that need
# none because they are assisted directly: 「已认定为特困人员、孤儿、低保对象的直接获得医疗救助」 [002:L41].
APPLICABLE_CATEGORIES = ("marginal", "monitored_rural", "illness_impoverished")
DIRECT_CATEGORIES = ("destitute", "orphan", "dibao")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    REFUSED = "refused", _("不予受理")
    REFERRED = "referred", _("已转办")
    CERTIFIED = "certified", _("已认定")
    DECLINED = "declined", _("认定未通过")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核不通过")
    PAID = "paid", _("已支付")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATES = (
    State.SUBMITTED,
    State.ACCEPTED,
    State.REFERRED,
    State.CERTIFIED,
    State.RETURNED,
    State.APPROVED,
    State.PAID,
)
WITHDRAWABLE_STATES = (State.SUBMITTED, State.ACCEPTED, State.REFERRED, State.CERTIFIED, State.RETURNED)
REVIEWABLE_STATES = (State.ACCEPTED, State.CERTIFIED)


def _role(*allowed):
    def check(application, user) -> bool:
        return user.role in allowed

    check.roles = allowed
    return check


def _referred_department_officer(application, user) -> bool:
    return user.role in DEPARTMENT_OFFICERS and user.department == application.referred_department


_referred_department_officer.roles = (roles.CIVIL, roles.RURAL)

CASEWORKER_ONLY = _role(roles.CASEWORKER)
REVIEWER_ONLY = _role(roles.REVIEWER)


class AssistanceApplication(FSMModelMixin, models.Model):
    """One written application (书面申请) for one claimant, registered at the township office."""

    # The kinds the installed jurisdiction packages declare (``applications.kinds``).
    kind = models.CharField(_("申请类型"), max_length=32, choices=kind_choices)
    claimant = models.ForeignKey(
        Claimant, models.PROTECT, related_name="applications", verbose_name=_("申请人")
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        related_name="+",
        verbose_name=_("受理地"),
        help_text=_("申请人户籍所在乡镇（街道）"),
    )
    state = FSMField(_("状态"), max_length=16, choices=State, default=State.SUBMITTED, protected=True)
    requested_category = models.CharField(_("申请认定类别"), max_length=40, blank=True)
    referred_department = models.CharField(
        _("转办部门"), max_length=32, choices=Department.choices, blank=True
    )
    certification = models.ForeignKey(
        Certification, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转办认定结果")
    )
    submitted_on = models.DateField(_("申请日期"))
    aid_year = models.PositiveSmallIntegerField(_("申请年度"))
    statement = models.TextField(_("申请事由"), blank=True)
    due_on = models.DateField(_("当前环节办理期限"), null=True, blank=True)
    assessed_amount = models.DecimalField(_("核定救助金额"), null=True, blank=True, **MONEY)
    assessment = models.JSONField(_("核算说明"), default=list, blank=True)
    paid_amount = models.DecimalField(_("支付金额"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    payment_reference = models.CharField(_("支付凭证号"), max_length=64, blank=True)
    # Beijing: 「同一自然年度内只能申请一次」 (A-BJ3/A-BJ4: per household, application year). Set on approval.
    annual_grant_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        db_table = (
            "settlements_assistanceapplication"  # created by the settlements app (moved here, table kept)
        )
        verbose_name = _("救助申请")
        verbose_name_plural = _("救助申请")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "region"], name="app_state_region"),
            models.Index(fields=["state", "due_on"], name="app_state_due"),
            models.Index(fields=["claimant", "aid_year"], name="app_claimant_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gte=0), name="app_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(assessed_amount__isnull=True) | Q(assessed_amount__gte=0),
                name="app_assessed_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("applications:application_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"SQ{self.pk:08d}" if self.pk else ""

    @property
    def requested_category_label(self) -> str:
        return categories.CATEGORIES[self.requested_category].label if self.requested_category else ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    # Transitions: no side effects here; services lock the row, check, call one of these, save, write the event.

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.ACCEPTED,
        permission=CASEWORKER_ONLY,
        custom={"label": _("受理")},
    )
    def accept(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.REFUSED,
        permission=CASEWORKER_ONLY,
        custom={"label": _("不予受理")},
    )
    def refuse(self):
        pass

    @transition(
        field=state,
        source=State.ACCEPTED,
        target=State.REFERRED,
        permission=CASEWORKER_ONLY,
        custom={"label": _("转办认定")},
    )
    def refer(self, *, department: str):
        self.referred_department = department

    @transition(
        field=state,
        source=State.REFERRED,
        target=State.CERTIFIED,
        permission=_referred_department_officer,
        custom={"label": _("认定并反馈")},
    )
    def certify(self, *, certification: Certification):
        self.certification = certification

    @transition(
        field=state,
        source=State.REFERRED,
        target=State.DECLINED,
        permission=_referred_department_officer,
        custom={"label": _("不予认定并反馈")},
    )
    def decline(self):
        pass

    @transition(
        field=state,
        source=REVIEWABLE_STATES,
        target=State.APPROVED,
        permission=REVIEWER_ONLY,
        custom={"label": _("审核通过")},
    )
    def approve(self, *, amount, lines: list[str], annual_grant_key: str | None):
        self.assessed_amount = amount
        self.assessment = lines
        self.annual_grant_key = annual_grant_key

    @transition(
        field=state,
        source=REVIEWABLE_STATES,
        target=State.RETURNED,
        permission=REVIEWER_ONLY,
        custom={"label": _("退回补正")},
    )
    def send_back(self):
        pass

    @transition(
        field=state,
        source=State.RETURNED,
        target=State.ACCEPTED,
        permission=CASEWORKER_ONLY,
        custom={"label": _("补正后重新提交")},
    )
    def resubmit(self):
        pass

    @transition(
        field=state,
        source=REVIEWABLE_STATES,
        target=State.REJECTED,
        permission=REVIEWER_ONLY,
        custom={"label": _("审核不通过")},
    )
    def reject(self):
        pass

    # Taken by the bank result import of a payment batch (``payments``), by the reviewer or manager who
    # imports it: never a button on the application's page.
    @transition(
        field=state,
        source=State.APPROVED,
        target=State.PAID,
        permission=_role(roles.REVIEWER, roles.MANAGER),
        custom={"label": _("支付到账")},
    )
    def pay(self, *, amount, paid_on, reference: str):
        self.paid_amount, self.paid_on, self.payment_reference = amount, paid_on, reference

    @transition(
        field=state,
        source=(State.PAID, State.APPROVED),
        target=State.CLOSED,
        permission=REVIEWER_ONLY,
        custom={"label": _("办结")},
    )
    def close(self):
        pass

    @transition(
        field=state,
        source=WITHDRAWABLE_STATES,
        target=State.WITHDRAWN,
        permission=CASEWORKER_ONLY,
        custom={"label": _("申请人撤回")},
    )
    def withdraw(self):
        pass


TRANSITIONS = (
    "accept",
    "refuse",
    "refer",
    "certify",
    "decline",
    "approve",
    "send_back",
    "resubmit",
    "reject",
    "pay",
    "close",
    "withdraw",
)
