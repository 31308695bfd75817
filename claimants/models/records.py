"""Records of what was done: the append-only audit log and the import batches (a file, its staged rows and
outcome)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claimants.models.people import Region, User


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(self.model)

    def delete(self):
        raise AppendOnlyError(self.model)


class AppendOnlyError(PermissionError):
    def __init__(self, model):
        super().__init__(f"{model._meta.label} rows are written once and never changed or deleted")


class AuditLog(models.Model):
    """Who looked at or exported what (e.g. a full ID number). Append-only: a row is never changed or
    deleted, through the ORM (``save`` of a stored row, ``delete``, a queryset's ``update``/``delete``) or
    the admin."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("用户"))
    action = models.CharField(_("操作"), max_length=64)
    target_type = models.CharField(_("对象类型"), max_length=64)
    target_id = models.CharField(_("对象"), max_length=64)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(type(self))


class ImportBatch(models.Model):
    """One uploaded spreadsheet (导入批次): staged for preview, then committed once or discarded.

    ``kind`` names the row specification in ``claimants.imports`` (certifications here; other apps
    register their own). Row errors and warnings are kept so the report can be read later.
    """

    class Status(models.TextChoices):
        STAGED = "staged", _("待确认")
        COMMITTED = "committed", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    kind = models.CharField(_("导入类型"), max_length=32, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    content = models.BinaryField(_("文件内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.STAGED)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("导入人管辖区划"))
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_valid = models.PositiveIntegerField(_("有效行数"), default=0)
    rows_invalid = models.PositiveIntegerField(_("错误行数"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("已存在行数"), default=0)
    rows_created = models.PositiveIntegerField(_("新增记录数"), default=0)
    persons_created = models.PositiveIntegerField(_("新登记人数"), default=0)
    # At staging: the people not yet known whom the valid rows would register (the preview says so).
    persons_new = models.PositiveIntegerField(_("待新登记人数"), default=0)
    report = models.JSONField(_("逐行报告"), default=list, blank=True)
    # The valid rows as validated for the preview, written by the commit if what their validation read is
    # unchanged (claimants.imports); emptied once the batch is committed or discarded.
    staged = models.BinaryField(_("待写入行"), default=bytes, blank=True, editable=False)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("claimants:import_detail", args=[self.pk])
