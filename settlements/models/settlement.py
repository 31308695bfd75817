"""Settlements (一站式结算) of visits and the annual ledger that carries deductibles and caps across visits.

A settlement stores its totals as columns and each assistance tier the engine computed as a row
(``SettlementTier``: the jurisdiction's tier code, name, amount and fund), so a new tier needs no column; the category and reason code it applied, the
parameters version it used, the explanation lines (zh and en) and the counter deltas it added to the
ledger, so that a reversal (冲正) can subtract exactly what it added. Settlements are never deleted:
a reversed one stays, marked with who reversed it, when and why.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claimants.models import Claimant
from jurisdictions import registry
from settlements.history import ChangeHistory
from settlements.models.visits import MONEY, PolicyYear, Visit
from settlements.policy.engine import RULES_REVISION

ZERO = Decimal("0.00")


class SettlementReason(models.TextChoices):
    """Why a visit was not assessed normally: the engine's reason codes (SCENARIOS Output)."""

    NOT_IN_FORCE = "not_in_force", _("不在政策施行期内")
    NOT_COVERED = "not_covered", _("不在救助保障范围内")
    NO_CATEGORY = "no_category", _("就诊期间无有效救助身份")
    APPLICATION_REQUIRED = "application_required", _("须依申请救助")
    UNREFERRED = "unreferred", _("未按规定转诊")
    OFFSITE_NOT_FILED = "offsite_not_filed", _("异地就医未备案")
    CAP_REACHED = "cap_reached", _("已达年度限额")
    OUTSIDE_YEAR = "outside_year", _("不属于本年度")


def fund_choices() -> list[tuple[str, str]]:
    """The funds that pay assistance tiers (Clarification 25), as the installed jurisdictions declare them."""
    return [(code, _(name)) for code, name in registry.funds().items()]


class Settlement(models.Model):
    """One settlement of one visit (一单制结算): basic insurance, 大病保险 and every assistance tier."""

    visit = models.ForeignKey(Visit, models.PROTECT, related_name="settlements", verbose_name=_("就医记录"))
    claimant = models.ForeignKey(
        Claimant, models.PROTECT, related_name="settlements", verbose_name=_("救助对象")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    discharged = models.DateField(_("出院（结算）日期"))
    policy_year = models.ForeignKey(
        PolicyYear, models.PROTECT, related_name="settlements", verbose_name=_("政策年度")
    )
    policy_version = models.PositiveIntegerField(_("参数版本"))
    category = models.CharField(_("适用救助身份"), max_length=40, blank=True)
    reason = models.CharField(_("原因"), max_length=32, choices=SettlementReason, blank=True)
    pool = models.CharField(_("救助资金池"), max_length=16, blank=True)
    # SCENARIOS Clarification 25: the fund that pays the assistance tiers (Tianjin's severe-disability and
    # special-care tracks have their own); blank on settlements made before it was recorded.
    fund = models.CharField(_("支付资金"), max_length=32, choices=fund_choices, blank=True, db_default="")
    policy_scope_cost = models.DecimalField(_("政策范围内费用"), **MONEY)
    basic_insurance_paid = models.DecimalField(_("基本医保统筹支付"), **MONEY)
    supplementary_paid = models.DecimalField(
        _("公务员医疗补助及企业补充医疗保险支付"), default=0, db_default=0, **MONEY
    )
    critical_illness_insurance = models.DecimalField(_("大病保险"), **MONEY)
    # Every assistance tier together (大病保险 excluded): the sum of the settlement's ``tiers`` rows.
    assistance = models.DecimalField(_("救助合计"), default=0, db_default=0, **MONEY)
    personal_burden = models.DecimalField(_("个人负担"), **MONEY)
    # The visit's maf_pay at settlement time, and what the back office still owes of the assistance
    # computed above: every tier less that amount, never below zero (see ``assistance_overpaid``).
    # Database defaults too: loaders that COPY rows (benchmarks, bulk loads) need not name them.
    assistance_paid_at_hospital = models.DecimalField(
        _("医院已垫付医疗救助"), default=0, db_default=0, **MONEY
    )
    assistance_owed = models.DecimalField(_("应付医疗救助（差额）"), default=0, db_default=0, **MONEY)
    explanation = models.JSONField(_("计算说明"), default=list)  # [{"zh": ..., "en": ...}, ...]
    deltas = models.JSONField(_("台账变动"), default=dict)  # counter name -> decimal string
    out_of_order = models.BooleanField(
        _("未按出院顺序结算"), default=False, help_text=_("结算时已有更晚出院的就诊已结算")
    )
    settled_on = models.DateField(_("依申请结算日期"), null=True, blank=True)
    # settlements.policy.engine.RULES_REVISION when settled; rows from before revisions were kept are 1.
    rules_revision = models.PositiveSmallIntegerField(_("规则版本"), default=RULES_REVISION, db_default=1)
    settled_at = models.DateTimeField(_("结算时间"), auto_now_add=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("结算人")
    )
    reversed_at = models.DateTimeField(_("冲正时间"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("冲正人"),
    )
    reversal_reason = models.CharField(_("冲正原因"), max_length=500, blank=True)
    # Every change after creation, the as-created state included (settlements.history: written on change).
    # The three contract tier columns are derived from the tier rows and are not kept twice.
    history = ChangeHistory(
        created_at="settled_at",
        created_by="settled_by_id",
    )

    class Meta:
        verbose_name = _("结算")
        verbose_name_plural = _("结算")
        ordering = ["-settled_at", "-pk"]
        indexes = [
            models.Index(fields=["claimant", "year"], name="settlement_claimant_year"),
            models.Index(fields=["settled_at"], name="settlement_settled_at"),
        ]
        constraints = [
            # One settlement in force per visit; reversed ones stay beside it.
            models.UniqueConstraint(
                fields=["visit"], condition=Q(reversed_at__isnull=True), name="settlement_one_per_visit"
            ),
            models.CheckConstraint(
                condition=Q(critical_illness_insurance__gte=0) & Q(assistance__gte=0),
                name="settlement_tiers_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(assistance_paid_at_hospital__gte=0) & Q(assistance_owed__gte=0),
                name="settlement_owed_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True) | ~Q(reversal_reason=""),
                name="settlement_reversal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claimant.name} {self.discharged} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("settlements:settlement_detail", args=[self.pk])

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

    # Set by the settling services on a settlement they store: its tier rows as (position, code, name, amount,
    # fund), written with it; ``tier_rows`` and ``tier_items`` read them without a query.
    new_tiers: list[tuple] | None = None

    def tier_rows(self) -> list["SettlementTier"]:
        """Its tiers in the jurisdiction's order: those it was stored with or prefetched
        (``prefetch_related("tiers")``), else read."""
        cached = getattr(self, "_prefetched_objects_cache", {}).get("tiers")
        if cached is None and self.new_tiers is not None:
            cached = [SettlementTier(None, self.pk, *tier) for tier in self.new_tiers]
            self._prefetched_objects_cache = {
                **getattr(self, "_prefetched_objects_cache", {}),
                "tiers": cached,
            }
        return sorted(self.tiers.all() if cached is None else cached, key=lambda tier: tier.position)

    def tier_items(self) -> list[tuple[str, Decimal]]:
        """(code, amount) of each tier, in order (the roll-ups' read, with no row built when just stored)."""
        if self.new_tiers is not None:
            return [(code, amount) for _position, code, _name, amount, _fund in self.new_tiers]
        return [(tier.code, tier.amount) for tier in self.tier_rows()]

    def tier(self, code: str) -> Decimal:
        """The amount of the tier ``code`` (zero when its jurisdiction has no such tier)."""
        return dict(self.tier_items()).get(code, ZERO)

    def tier_amounts(self, codes) -> list:
        """The amounts of the tiers ``codes``, in that order (zero for a tier it does not have)."""
        amounts = dict(self.tier_items())
        return [amounts.get(code, ZERO) for code in codes]

    @property
    def assistance_overpaid(self):
        """What the hospital paid beyond the assistance computed (shown as a warning, never paid back here)."""
        return max(self.assistance_paid_at_hospital - self.assistance, 0)


class SettlementTier(models.Model):
    """One assistance tier of a settlement as the engine paid it (regular assistance, 倾斜救助, …): the
    tier's code and name as its jurisdiction declares them (``Jurisdiction.tiers``), the amount and the
    fund paying it. A settlement has a row per tier of its jurisdiction, zero amounts included, written in
    the same transaction as the settlement."""

    # No index of its own: the unique (settlement, code) index serves the lookups by settlement.
    settlement = models.ForeignKey(
        Settlement, models.CASCADE, related_name="tiers", verbose_name=_("结算"), db_index=False
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("救助层次代码"), max_length=40)
    name = models.CharField(_("救助层次"), max_length=100)  # Chinese, a message id (pages translate it)
    amount = models.DecimalField(_("金额"), **MONEY)
    fund = models.CharField(_("支付资金"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("结算救助层次")
        verbose_name_plural = _("结算救助层次")
        ordering = ["settlement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "code"], name="settlement_tier_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="settlement_tier_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.settlement_id} {self.code}={self.amount}"

    @property
    def name_zh(self) -> str:
        """The Chinese name, as the engine's ``Tier`` calls it (one template shows both)."""
        return self.name


class LedgerEntry(models.Model):
    """One annual counter of one person (年度累计台账): a deductible base or an amount paid against a cap.

    The counter names are the engine's (``settlements.policy.types.Counter``, possibly prefixed by a
    category when a switch keeps counters per category), so a new counter needs no schema change.
    """

    claimant = models.ForeignKey(Claimant, models.PROTECT, related_name="+", verbose_name=_("救助对象"))
    year = models.PositiveSmallIntegerField(_("年度"))
    counter = models.CharField(_("累计项"), max_length=64)
    amount = models.DecimalField(_("累计金额"), default=0, **MONEY)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度累计台账")
        verbose_name_plural = _("年度累计台账")
        constraints = [
            models.UniqueConstraint(fields=["claimant", "year", "counter"], name="ledger_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.claimant_id} {self.year} {self.counter}={self.amount}"
