"""Funds, budgets and hospital clearing (医疗机构垫付资金清算): the money after the amount.

- Funds are the jurisdictions' (``jurisdictions.registry.funds``); an *account* is a fund in a region: the
  jurisdiction's region, or a district where the funds keep sub-accounts (Beijing, 市级统筹、分账核算).
- Income (appropriations, district remittances, donations) and spending (hospital repayments, payments to
  people) are entries per account; a budget is an amount per account and year. An approval reserves its
  amount (``Commitment``) until the payment is recorded as spending.
- A hospital statement (对账单) lists one hospital's one-stop settlements of one month as frozen lines:
  the amounts are copied when the statement is built and never change once it has been checked, so a
  settlement reversed later leaves the statement as it was and goes into a later month as an adjustment.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claimants.models import Region
from settlements.models import MONEY, Hospital, Settlement
from settlements.models.settlement import fund_choices


class IncomeKind(models.TextChoices):
    APPROPRIATION = "appropriation", _("财政拨款")
    DISTRICT_REMITTANCE = "district_remittance", _("区县上解")
    DONATION = "donation", _("社会捐助")


class SpendingKind(models.TextChoices):
    HOSPITAL_REPAYMENT = "hospital_repayment", _("医疗机构垫付资金清算")
    PERSONAL_PAYMENT = "personal_payment", _("救助金给付")


class Budget(models.Model):
    """The year's budget of one fund account (基金预算)."""

    fund = models.CharField(_("资金"), max_length=32, choices=fund_choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("核算地区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("预算金额"), **MONEY)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("设置人")
    )
    set_at = models.DateTimeField(_("设置时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("基金预算")
        verbose_name_plural = _("基金预算")
        ordering = ["-year", "region", "fund"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "region", "year"], name="budget_one_per_account_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_fund_display()} {self.region_id} {self.year}"


class FundIncome(models.Model):
    """Money that came into a fund account: an appropriation, a district's remittance, a donation."""

    fund = models.CharField(_("资金"), max_length=32, choices=fund_choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("核算地区"))
    kind = models.CharField(_("收入类型"), max_length=32, choices=IncomeKind)
    amount = models.DecimalField(_("金额"), **MONEY)
    date = models.DateField(_("到账日期"))
    reference = models.CharField(_("凭证号"), max_length=64)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("基金收入")
        verbose_name_plural = _("基金收入")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["fund", "region", "date"], name="income_account_date")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="income_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class FundSpending(models.Model):
    """Money paid out of a fund account: a hospital statement paid, a payment batch released. An amount
    below zero is money recovered (a statement whose adjustments take back more than it repays)."""

    fund = models.CharField(_("资金"), max_length=32, choices=fund_choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("核算地区"))
    kind = models.CharField(_("支出类型"), max_length=32, choices=SpendingKind)
    amount = models.DecimalField(_("金额"), **MONEY)
    date = models.DateField(_("支付日期"))
    reference = models.CharField(_("凭证号"), max_length=64)
    # What the spending pays, as "app.model:pk" (a hospital statement, a payment batch).
    source = models.CharField(_("支出依据"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("基金支出")
        verbose_name_plural = _("基金支出")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["fund", "region", "date"], name="spending_account_date")]
        constraints = [
            models.UniqueConstraint(fields=["source", "fund", "region"], name="spending_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Commitment(models.Model):
    """An approved amount not yet paid: it counts against the budget until its payment is recorded."""

    fund = models.CharField(_("资金"), max_length=32, choices=fund_choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("核算地区"))
    year = models.PositiveSmallIntegerField(_("预算年度"))
    amount = models.DecimalField(_("金额"), **MONEY)
    source = models.CharField(_("支出依据"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    created_at = models.DateTimeField(_("批准时间"), auto_now_add=True)
    released_at = models.DateTimeField(_("支付时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("已批准待支付")
        verbose_name_plural = _("已批准待支付")
        constraints = [
            models.UniqueConstraint(fields=["source", "fund", "region"], name="commitment_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"


class BudgetOverride(models.Model):
    """A manager's decision to approve beyond the budget, with the reason (kept, never changed)."""

    fund = models.CharField(_("资金"), max_length=32, choices=fund_choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("核算地区"))
    year = models.PositiveSmallIntegerField(_("预算年度"))
    budget = models.DecimalField(_("预算金额"), null=True, blank=True, **MONEY)
    used = models.DecimalField(_("已支出及已批准"), **MONEY)
    amount = models.DecimalField(_("本次金额"), **MONEY)
    reason = models.CharField(_("超预算原因"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("超预算批准")
        verbose_name_plural = _("超预算批准")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.fund} {self.region_id} {self.year}: {self.reason}"


class StatementState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CHECKED = "checked", _("已复核")
    APPROVED = "approved", _("已批准支付")
    PAID = "paid", _("已支付")
    RECONCILED = "reconciled", _("已对账")


# From approval on, a month is cleared: its statement never changes, later records go to a later month.
CLEARED_STATES = (StatementState.APPROVED, StatementState.PAID, StatementState.RECONCILED)


class HospitalStatement(models.Model):
    """One designated hospital's clearing statement (对账单) for one month of one-stop settlements."""

    hospital = models.ForeignKey(Hospital, models.PROTECT, related_name="+", verbose_name=_("医疗机构"))
    month = models.DateField(_("清算月份"), help_text=_("当月第一天"))
    state = models.CharField(_("状态"), max_length=16, choices=StatementState, default=StatementState.DRAFT)
    record_count = models.PositiveIntegerField(_("结算笔数"), default=0)
    policy_scope_cost = models.DecimalField(_("政策范围内费用"), default=0, **MONEY)
    assistance_computed = models.DecimalField(_("核算医疗救助"), default=0, **MONEY)
    assistance_advanced = models.DecimalField(_("医院垫付医疗救助"), default=0, **MONEY)
    difference = models.DecimalField(_("差额（核算减垫付）"), default=0, **MONEY)
    to_repay = models.DecimalField(_("应拨付医院"), default=0, **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("制单人")
    )
    created_at = models.DateTimeField(_("制单时间"), auto_now_add=True)
    built_at = models.DateTimeField(_("生成时间"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复核人"),
    )
    checked_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("支付登记人"),
    )
    payment_reference = models.CharField(_("支付凭证号"), max_length=64, blank=True)
    payment_date = models.DateField(_("支付日期"), null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对账人"),
    )
    reconciled_at = models.DateTimeField(_("对账时间"), null=True, blank=True)
    # The platform-total mismatches a person accepted with a reason (the list as it was then): approval
    # goes ahead while the mismatches are exactly these.
    accepted_mismatches = models.JSONField(_("已说明的差异"), default=list, blank=True)
    mismatch_note = models.CharField(_("差异说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("医疗机构对账单")
        verbose_name_plural = _("医疗机构对账单")
        ordering = ["-month", "hospital__code"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "month"], name="statement_one_per_hospital_month"),
            models.CheckConstraint(
                condition=Q(state=StatementState.DRAFT) | Q(checked_by__isnull=False),
                name="statement_checked_has_checker",
            ),
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | ~Q(checked_by=models.F("created_by")),
                name="statement_checker_not_maker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("finance:statement_detail", args=[self.pk])

    @property
    def source(self) -> str:
        """The key of this statement in spending and commitments."""
        return f"finance.hospitalstatement:{self.pk}"

    @property
    def is_cleared(self) -> bool:
        return self.state in CLEARED_STATES


class LineKind(models.TextChoices):
    CURRENT = "current", _("本月结算")
    LATE = "late", _("补结算（调整）")
    REVERSAL = "reversal", _("冲正（调整）")


class StatementLine(models.Model):
    """One settlement on a statement, its amounts copied when the statement was built (frozen). A reversal
    line carries the amounts of a settlement cleared earlier with the opposite sign."""

    statement = models.ForeignKey(
        HospitalStatement, models.PROTECT, related_name="lines", verbose_name=_("对账单")
    )
    settlement = models.ForeignKey(Settlement, models.PROTECT, related_name="+", verbose_name=_("结算"))
    kind = models.CharField(_("类型"), max_length=16, choices=LineKind)
    record_month = models.DateField(_("结算所属月份"))
    fund = models.CharField(_("支付资金"), max_length=32, choices=fund_choices)
    account_region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("核算地区"))
    policy_scope_cost = models.DecimalField(_("政策范围内费用"), **MONEY)
    assistance_computed = models.DecimalField(_("核算医疗救助"), **MONEY)
    assistance_advanced = models.DecimalField(_("医院垫付医疗救助"), **MONEY)
    difference = models.DecimalField(_("差额（核算减垫付）"), **MONEY)
    to_repay = models.DecimalField(_("应拨付医院"), **MONEY)

    class Meta:
        verbose_name = _("对账单明细")
        verbose_name_plural = _("对账单明细")
        ordering = ["record_month", "settlement_id", "kind"]
        constraints = [
            # A settlement is cleared once, and taken back once.
            models.UniqueConstraint(
                fields=["settlement"],
                condition=Q(kind__in=["current", "late"]),
                name="statement_line_settlement_once",
            ),
            models.UniqueConstraint(
                fields=["settlement"], condition=Q(kind="reversal"), name="statement_line_reversal_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.settlement_id} {self.kind}"


class StatementEvent(models.Model):
    """What happened to a statement, who and when (the audit of the clearing)."""

    class Action(models.TextChoices):
        BUILT = "built", _("生成")
        REFRESHED = "refreshed", _("重新生成")
        CHECKED = "checked", _("复核通过")
        RETURNED = "returned", _("退回修改")
        MISMATCHES_ACCEPTED = "mismatches_accepted", _("说明对账差异")
        APPROVED = "approved", _("批准支付")
        PAID = "paid", _("登记支付")
        RECONCILED = "reconciled", _("对账确认")

    statement = models.ForeignKey(
        HospitalStatement, models.PROTECT, related_name="events", verbose_name=_("对账单")
    )
    action = models.CharField(_("操作"), max_length=32, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("对账单记录")
        verbose_name_plural = _("对账单记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.action}"


class PlatformTotal(models.Model):
    """The platform's monthly total of one hospital (3201-style 对总账): records and medical assistance paid
    (maf_pay), as imported."""

    hospital = models.ForeignKey(Hospital, models.PROTECT, related_name="+", verbose_name=_("医疗机构"))
    month = models.DateField(_("月份"))
    record_count = models.PositiveIntegerField(_("结算笔数"))
    assistance_total = models.DecimalField(_("医疗救助基金支付金额"), **MONEY)
    file_name = models.CharField(_("来源文件"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("导入人")
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        verbose_name = _("医保平台月度对总账")
        verbose_name_plural = _("医保平台月度对总账")
        constraints = [
            models.UniqueConstraint(fields=["hospital", "month"], name="platform_total_one_per_month"),
            models.CheckConstraint(condition=Q(assistance_total__gte=0), name="platform_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.month:%Y-%m}"
