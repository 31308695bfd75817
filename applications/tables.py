import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applications.models import AssistanceApplication


class ApplicationTable(tables.Table):
    select = tables.CheckBoxColumn(
        accessor="pk", attrs={"th__input": {"aria-label": _("全选")}}, orderable=False
    )
    number = tables.Column(verbose_name=_("编号"), accessor="pk", linkify=True)
    claimant = tables.Column(verbose_name=_("申请人"), order_by=("claimant__name",))
    id_number = tables.Column(
        verbose_name=_("身份证号"), accessor="claimant__masked_id_number", orderable=False
    )
    kind = tables.Column(verbose_name=_("申请类型"))
    state = tables.Column(verbose_name=_("状态"))
    region = tables.Column(verbose_name=_("受理地"))
    submitted_on = tables.DateColumn(verbose_name=_("申请日期"), format="Y-m-d")
    due_on = tables.Column(verbose_name=_("办理期限"))

    class Meta:
        model = AssistanceApplication
        fields = (
            "select",
            "number",
            "claimant",
            "id_number",
            "kind",
            "state",
            "region",
            "submitted_on",
            "due_on",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("due_on",)

    def render_number(self, record):
        return record.number

    def render_claimant(self, record):
        return record.claimant.name

    def render_due_on(self, record):
        if record.due_on is None or not record.is_open:
            return "—"
        if record.is_overdue(timezone.localdate()):
            return format_html('{} <span class="badge bg-danger">{}</span>', record.due_on, _("超期"))
        return str(record.due_on)
