"""What an application carries besides its state: the visits it covers, its documents, its timeline, and the
public holidays its deadlines skip."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models.application import AssistanceApplication, State
from settlements.models.visits import Visit


class CoveredVisit(models.Model):
    """A visit an application asks assistance for. Once the application is approved the visit is covered, and
    a partial unique index makes a second approved coverage of the same visit impossible (no double aid)."""

    application = models.ForeignKey(
        AssistanceApplication, models.PROTECT, related_name="covered_visits", verbose_name=_("申请")
    )
    visit = models.ForeignKey(
        Visit, models.PROTECT, related_name="application_links", verbose_name=_("就医记录")
    )
    approved = models.BooleanField(_("已核准救助"), default=False)

    class Meta:
        db_table = "settlements_coveredvisit"  # created by the settlements app (moved here, table kept)
        verbose_name = _("申请所含就医记录")
        verbose_name_plural = _("申请所含就医记录")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "visit"], name="covered_visit_once_per_application"
            ),
            models.UniqueConstraint(fields=["visit"], condition=Q(approved=True), name="visit_assisted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.visit}"


def document_path(instance, filename: str) -> str:
    # The stored name never uses the uploaded name: no path tricks, no guessable names.
    return f"applications/{instance.application_id}/{instance.token}{instance.extension}"


class ApplicationDocument(models.Model):
    """An uploaded supporting document: stored under MEDIA_ROOT, served only through a checked view."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("医疗费用发票")
        DISCHARGE_SUMMARY = "discharge_summary", _("出院小结")
        ID_SCAN = "id_scan", _("身份证件扫描件")
        CONSENT = "consent", _("家庭经济状况核查授权书")
        OTHER = "other", _("其他材料")

    application = models.ForeignKey(
        AssistanceApplication, models.PROTECT, related_name="documents", verbose_name=_("申请")
    )
    kind = models.CharField(_("材料类型"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        db_table = (
            "settlements_applicationdocument"  # created by the settlements app (moved here, table kept)
        )
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class CaseEvent(models.Model):
    """One entry of an application's timeline: who did what, when and why. Written by the services."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("登记申请")
        ACCEPTED = "accepted", _("受理")
        REFUSED = "refused", _("不予受理")
        REFERRED = "referred", _("转办认定")
        CERTIFIED = "certified", _("认定并反馈")
        DECLINED = "declined", _("不予认定并反馈")
        APPROVED = "approved", _("审核通过")
        RETURNED = "returned", _("退回补正")
        RESUBMITTED = "resubmitted", _("补正后重新提交")
        REJECTED = "rejected", _("审核不通过")
        PAID = "paid", _("登记支付")
        CLOSED = "closed", _("办结")
        WITHDRAWN = "withdrawn", _("申请人撤回")
        DOCUMENT_ADDED = "document_added", _("上传材料")

    application = models.ForeignKey(
        AssistanceApplication, models.PROTECT, related_name="events", verbose_name=_("申请")
    )
    kind = models.CharField(_("事项"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State, blank=True)
    reason = models.TextField(_("理由或说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        db_table = "settlements_caseevent"  # created by the settlements app (moved here, table kept)
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="case_event_app_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class PublicHoliday(models.Model):
    """A public holiday entered by an administrator: deadlines count working days (OPERATIONS.md 1)."""

    day = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        db_table = "settlements_publicholiday"  # created by the settlements app (moved here, table kept)
        verbose_name = _("法定节假日")
        verbose_name_plural = _("法定节假日")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
