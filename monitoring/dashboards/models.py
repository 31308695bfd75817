"""Roll-up tables of settled assistance, kept current by every settlement and reversal (``rollups.py``).

The dashboards read these instead of the settlements themselves, so a city-wide year costs a scan of a few
thousand roll-up rows rather than of millions of settlements. Each row is keyed by the person's household
registration township (户籍所在乡镇), so region scoping stays a prefix match on the key, at any level. No
row is touched by every settlement: rows are per township, month, category and visit type (or per
person-year, or per township and hospital).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claimants.models import Claimant, Region
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
    medical_assistance = models.DecimalField(_("医疗救助"), default=0, **MONEY)
    tilted_assistance = models.DecimalField(_("倾斜救助"), default=0, **MONEY)
    major_illness_assistance = models.DecimalField(_("重特大疾病医疗救助"), default=0, **MONEY)
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
