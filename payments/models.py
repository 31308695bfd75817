"""Payments to people (救助金给付): payees, payment batches with a second check, and their lines.

Everything owed to a person is paid through a batch: an approved application's amount, or a settlement's
owed difference (``Settlement.assistance_owed``: the assistance the hospital did not advance at the window).
A batch is made by one reviewer (选定), checked by another person (复核) and released by a manager (放款);
the bank's result file then marks each line paid or failed. A failed line frees its item for a later batch
once the payee is corrected. One open or paid line per item is a database constraint: nothing is paid twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import AssistanceApplication
from claimants.models import Claimant, Region
from settlements.models import Settlement
from settlements.models.visits import MONEY


def mask_account(number: str) -> str:
    """An account number as every page shows it: its last four digits only."""
    return f"****{number[-4:]}" if number else ""


class Payee(models.Model):
    """Where a person's assistance is paid (收款人): name, bank and account. Changed after a bounce."""

    claimant = models.OneToOneField(
        Claimant, models.PROTECT, related_name="payee", verbose_name=_("救助对象")
    )
    name = models.CharField(_("收款人姓名"), max_length=50)
    bank_name = models.CharField(_("开户银行"), max_length=100)
    account_number = models.CharField(_("银行账号"), max_length=32)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("更新人")
    )

    class Meta:
        verbose_name = _("收款人")
        verbose_name_plural = _("收款人")

    def __str__(self) -> str:
        return f"{self.name} {self.masked_account}"

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_number)


class BatchState(models.TextChoices):
    MADE = "made", _("待复核")
    CHECKED = "checked", _("已复核待放款")
    RELEASED = "released", _("已放款待回盘")
    RECONCILED = "reconciled", _("已回盘")
    RETURNED = "returned", _("复核退回")


class PaymentBatch(models.Model):
    """One batch of payments, made in a region by a reviewer; its steps record who and when."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    state = models.CharField(_("状态"), max_length=16, choices=BatchState, default=BatchState.MADE)
    # A batch of payments recorded before batches existed (one per city, made by the data migration).
    historical = models.BooleanField(_("迁移前已支付"), default=False)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("制单人")
    )
    made_at = models.DateTimeField(_("制单时间"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复核人"),
    )
    checked_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("放款人"),
    )
    released_at = models.DateTimeField(_("放款时间"), null=True, blank=True)
    total_amount = models.DecimalField(_("合计金额"), default=0, **MONEY)
    line_count = models.PositiveIntegerField(_("笔数"), default=0)

    class Meta:
        verbose_name = _("支付批次")
        verbose_name_plural = _("支付批次")
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["state", "region"], name="payment_batch_state_region")]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="payment_batch_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("payments:batch_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"PC{self.pk:06d}" if self.pk else ""


class LineState(models.TextChoices):
    PENDING = "pending", _("待放款")
    SENT = "sent", _("已放款待回盘")
    PAID = "paid", _("已到账")
    FAILED = "failed", _("支付失败")
    RETURNED = "returned", _("随批次退回")


# Lines that hold their item: while one of these exists the item cannot enter another batch.
HOLDING_STATES = (LineState.PENDING, LineState.SENT, LineState.PAID)


class FailureReason(models.TextChoices):
    WRONG_ACCOUNT = "wrong_account", _("账号有误")
    CLOSED_ACCOUNT = "closed_account", _("账户已销户")
    NAME_MISMATCH = "name_mismatch", _("户名与账号不符")
    OTHER = "other", _("其他原因")


class PaymentLine(models.Model):
    """One payment of one item (an application or a settlement's owed difference) in one batch. The payee
    is copied when the batch is made: the bank file pays what the checker saw."""

    batch = models.ForeignKey(PaymentBatch, models.PROTECT, related_name="lines", verbose_name=_("批次"))
    application = models.ForeignKey(
        AssistanceApplication,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_lines",
        verbose_name=_("救助申请"),
    )
    settlement = models.ForeignKey(
        Settlement,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_lines",
        verbose_name=_("结算"),
    )
    claimant = models.ForeignKey(Claimant, models.PROTECT, related_name="+", verbose_name=_("救助对象"))
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("户籍所在乡镇（街道）")
    )
    category = models.CharField(_("救助类别"), max_length=40, blank=True)
    fund = models.CharField(_("支付资金"), max_length=32)
    amount = models.DecimalField(_("金额"), **MONEY)
    payee_name = models.CharField(_("收款人姓名"), max_length=50, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    account_number = models.CharField(_("银行账号"), max_length=32, blank=True)
    reference = models.CharField(_("支付参考号"), max_length=32, unique=True)
    state = models.CharField(_("状态"), max_length=16, choices=LineState, default=LineState.PENDING)
    paid_on = models.DateField(_("到账日期"), null=True, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=32, choices=FailureReason, blank=True)
    failure_note = models.CharField(_("银行说明"), max_length=200, blank=True)
    result_at = models.DateTimeField(_("回盘时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("支付明细")
        verbose_name_plural = _("支付明细")
        ordering = ["batch", "pk"]
        indexes = [models.Index(fields=["region", "paid_on"], name="payment_line_region_paid")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_line_amount_positive"),
            models.CheckConstraint(
                condition=Q(application__isnull=True, settlement__isnull=False)
                | Q(application__isnull=False, settlement__isnull=True),
                name="payment_line_one_item",
            ),
            # No item is ever paid twice: one line in a batch, sent or paid, per application and settlement.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=HOLDING_STATES),
                name="payment_line_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["settlement"],
                condition=Q(state__in=HOLDING_STATES),
                name="payment_line_once_per_settlement",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_number)


class PaymentEvent(models.Model):
    """One step of a batch or a line: made, checked, returned, released, exported, result imported."""

    class Kind(models.TextChoices):
        MADE = "made", _("制单")
        CHECKED = "checked", _("复核通过")
        RETURNED = "returned", _("复核退回")
        RELEASED = "released", _("放款")
        EXPORTED = "exported", _("下载银行文件")
        PAID = "paid", _("到账")
        FAILED = "failed", _("支付失败")
        MIGRATED = "migrated", _("迁移前已支付")

    batch = models.ForeignKey(PaymentBatch, models.PROTECT, related_name="events", verbose_name=_("批次"))
    line = models.ForeignKey(
        PaymentLine, models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("明细")
    )
    kind = models.CharField(_("事项"), max_length=16, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("经办人")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("支付记录")
        verbose_name_plural = _("支付记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
