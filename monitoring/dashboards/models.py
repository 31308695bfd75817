"""Roll-up tables of settled assistance, kept current by every settlement and reversal (``rollups.py``).

The dashboards read these instead of the settlements themselves, so a city-wide year costs a scan of a few
thousand roll-up rows rather than of millions of settlements. Each row is keyed by the person's household
registration township (户籍所在乡镇), so region scoping stays a prefix match on the key, at any level. No
row is touched by every settlement: rows are per township, month, category and visit type (or per
person-year, or per township and hospital).
"""

import datetime as dt

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from applications.models import State
from claimants.models import Claimant, Region
from core.roles import Department
from settlements.models import MONEY, Hospital


class SettlementRollup(models.Model):
    """Settlements in force of one township, discharge month, category and visit type (月度结算汇总)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("户籍乡镇"))
    category = models.CharField(_("救助身份"), max_length=40, blank=True)
    visit_type = models.CharField(_("就诊类型"), max_length=32)
    settlements = models.IntegerField(_("结算人次"), default=0)
    assisted = models.IntegerField(_("获救助人次"), default=0)
    cap_reached = models.IntegerField(_("达到限额人次"), default=0)
    policy_scope_cost = models.DecimalField(_("政策范围内费用"), default=0, **MONEY)
    critical_illness_insurance = models.DecimalField(_("大病保险"), default=0, **MONEY)
    assistance = models.DecimalField(_("救助金额"), default=0, **MONEY)  # every tier (``TierRollup``: each)
    personal_burden = models.DecimalField(_("个人负担"), default=0, **MONEY)

    class Meta:
        verbose_name = _("月度结算汇总")
        verbose_name_plural = _("月度结算汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "region", "category", "visit_type"], name="settlement_rollup_key"
            )
        ]
        indexes = [models.Index(fields=["year", "region"], name="settlement_rollup_year_region")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.region_id} {self.category} {self.visit_type}"


class TierRollup(models.Model):
    """What one assistance tier paid to the settlements in force of one township, discharge month and
    category (月度救助层次汇总): a row per tier code the settlements hold, so a new tier needs no column."""

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("户籍乡镇"))
    category = models.CharField(_("救助身份"), max_length=40, blank=True)
    tier = models.CharField(_("救助层次代码"), max_length=40)
    amount = models.DecimalField(_("金额"), default=0, **MONEY)

    class Meta:
        verbose_name = _("月度救助层次汇总")
        verbose_name_plural = _("月度救助层次汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "region", "category", "tier"], name="tier_rollup_key"
            )
        ]
        indexes = [models.Index(fields=["year", "region"], name="tier_rollup_year_region")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.region_id} {self.category} {self.tier}={self.amount}"


class PersonYearRollup(models.Model):
    """One person's settled year: what assistance paid, the burden left after every tier, caps reached."""

    claimant = models.ForeignKey(Claimant, models.PROTECT, related_name="+", verbose_name=_("救助对象"))
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("户籍乡镇"))
    settlements = models.IntegerField(_("结算人次"), default=0)
    assistance = models.DecimalField(_("救助金额"), default=0, **MONEY)
    personal_burden = models.DecimalField(_("个人负担"), default=0, **MONEY)
    cap_reached = models.IntegerField(_("达到限额次数"), default=0)

    class Meta:
        verbose_name = _("年度个人结算汇总")
        verbose_name_plural = _("年度个人结算汇总")
        constraints = [models.UniqueConstraint(fields=["claimant", "year"], name="person_year_rollup_key")]
        indexes = [
            models.Index("year", models.F("personal_burden").desc(), name="person_year_burden"),
            models.Index(
                fields=["year", "region"], condition=Q(cap_reached__gt=0), name="person_year_capped"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claimant_id} {self.year}"


class HospitalRollup(models.Model):
    """Inpatient stays of assistance recipients per hospital (TJ-F4: policy-scope share of total cost)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("户籍乡镇"))
    hospital = models.ForeignKey(Hospital, models.PROTECT, related_name="+", verbose_name=_("医疗机构"))
    stays = models.IntegerField(_("住院人次"), default=0)
    total_cost = models.DecimalField(_("医疗总费用"), default=0, **MONEY)
    policy_scope_cost = models.DecimalField(_("政策范围内费用"), default=0, **MONEY)

    class Meta:
        verbose_name = _("医疗机构住院汇总")
        verbose_name_plural = _("医疗机构住院汇总")
        constraints = [
            models.UniqueConstraint(fields=["year", "region", "hospital"], name="hospital_rollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id} {self.hospital_id}"


class AlertRollup(models.Model):
    """High-cost alerts of one household township, month and receiving department, per push (预警汇总).

    Every alert one county's batch inserts carries the same push time, which is part of the key: the overdue
    count (pushed, unanswered, older than the feedback days) is then a sum over the rows pushed before a
    cut-off, exact at any moment, with a handful of rows per township and month (``docs/dashboards.md``).
    """

    period = models.DateField(_("预警月份"))
    department = models.CharField(_("接收部门"), max_length=32, choices=Department.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("户籍所在地"))
    pushed_at = models.DateTimeField(_("生成时间"))
    pushed = models.IntegerField(_("推送"), default=0)
    answered = models.IntegerField(_("已反馈"), default=0)
    certified = models.IntegerField(_("已认定"), default=0)

    class Meta:
        verbose_name = _("预警汇总")
        verbose_name_plural = _("预警汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "department", "region", "pushed_at"], name="alert_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.department} {self.region_id} {self.pushed_at:%Y-%m-%d %H:%M}"


# An application in a final state has no deadline; the key needs one value for "none" (NULLs never conflict).
NO_DEADLINE = dt.date(1, 1, 1)


class ApplicationRollup(models.Model):
    """Applications of one township and application year in one state, per deadline of the current step.

    Keyed by the deadline, so the overdue count (an open step whose deadline has passed) is a sum over the
    rows due before today, whatever day today is; an application moves from one row to another at each step.
    """

    aid_year = models.PositiveSmallIntegerField(_("申请年度"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("受理地"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    due_on = models.DateField(_("当前环节办理期限"), null=True, blank=True)
    applications = models.IntegerField(_("申请数"), default=0)

    class Meta:
        verbose_name = _("救助申请汇总")
        verbose_name_plural = _("救助申请汇总")
        constraints = [
            models.UniqueConstraint(
                "aid_year",
                "region",
                "state",
                Coalesce("due_on", Value(NO_DEADLINE)),
                name="application_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.aid_year} {self.region_id} {self.state} {self.due_on}"


class ApplicationStep(models.Model):
    """The time one application spent in one step: from the case event that entered it to the next one.

    One row per step left (a document added in the middle of a step splits it, as the timeline shows), so the
    median per step is read from one index instead of a window over the events.
    """

    aid_year = models.PositiveSmallIntegerField(_("申请年度"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("受理地"))
    step = models.CharField(_("环节"), max_length=16, choices=State.choices)
    time_taken = models.DurationField(_("办理时长"))

    class Meta:
        verbose_name = _("办理环节用时")
        verbose_name_plural = _("办理环节用时")
        # The median of a step is read from this index in its order (``selectors.step_medians``); the region is
        # its last column so the read needs no table access.
        indexes = [
            models.Index(fields=["aid_year", "step", "time_taken", "region"], name="application_step_order")
        ]

    def __str__(self) -> str:
        return f"{self.aid_year} {self.region_id} {self.step} {self.time_taken}"


class StepRollup(models.Model):
    """How many steps of one kind the applications of one township and year have left (``ApplicationStep``
    rows counted): where the median lies, without counting those rows on every page."""

    aid_year = models.PositiveSmallIntegerField(_("申请年度"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("受理地"))
    step = models.CharField(_("环节"), max_length=16, choices=State.choices)
    steps = models.IntegerField(_("办理次数"), default=0)

    class Meta:
        verbose_name = _("办理环节汇总")
        verbose_name_plural = _("办理环节汇总")
        constraints = [models.UniqueConstraint(fields=["aid_year", "region", "step"], name="step_rollup_key")]

    def __str__(self) -> str:
        return f"{self.aid_year} {self.region_id} {self.step}"
