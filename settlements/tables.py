"""List tables of the settlements screens (django-tables2). ID numbers are always masked."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claimants.categories import CATEGORIES
from settlements.models import Settlement, Visit
from settlements.money import format_money


class MoneyColumn(tables.Column):
    """An amount in a list: 12,362.50, right-aligned; an export of the table keeps the number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "money"}, "th": {"class": "money"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_money(value)

    def value(self, value):
        return value


class VisitTable(tables.Table):
    # Ticked visits go to the bulk settlement form above the table ("结算本页待结算" takes the whole page).
    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={"th__input": {"hidden": "hidden"}, "td__input": {"name": "visit", "form": "bulk-settle"}},
    )
    claimant = tables.Column(verbose_name=_("就诊人"), accessor="claimant__name", order_by="claimant__name")
    id_number = tables.Column(
        verbose_name=_("身份证号"), accessor="claimant__masked_id_number", orderable=False
    )
    hospital = tables.Column(verbose_name=_("医疗机构"), accessor="hospital__name", default="—")
    is_settled = tables.BooleanColumn(verbose_name=_("已结算"))
    policy_scope_cost = MoneyColumn()
    basic_insurance_paid = MoneyColumn()
    action = tables.TemplateColumn(
        verbose_name="",
        orderable=False,
        template_code=(
            '<a class="btn btn-sm btn-outline-primary" '
            "href=\"{% url 'settlements:visit_detail' record.pk %}\">"
            "{% if record.is_settled %}{{ view_label }}{% else %}{{ settle_label }}{% endif %}</a>"
        ),
        extra_context={"view_label": _("查看"), "settle_label": pgettext_lazy("button", "结算")},
    )

    class Meta:
        model = Visit
        fields = (
            "select",
            "claimant",
            "id_number",
            "hospital",
            "visit_type",
            "admitted",
            "discharged",
            "policy_scope_cost",
            "basic_insurance_paid",
            "is_settled",
            "action",
        )
        order_by = ("discharged",)
        attrs = {"class": "table table-sm table-striped"}


class SettlementTable(tables.Table):
    id = tables.LinkColumn("settlements:settlement_detail", args=[tables.A("pk")], verbose_name=_("结算号"))
    claimant = tables.Column(
        verbose_name=pgettext_lazy("one claimant", "救助对象"),
        accessor="claimant__name",
        order_by="claimant__name",
    )
    id_number = tables.Column(
        verbose_name=_("身份证号"), accessor="claimant__masked_id_number", orderable=False
    )
    state = tables.Column(verbose_name=_("状态"), accessor="reversed_at", empty_values=())
    # What a reviewer scans a list for; every tier, the 大病, the hospital's advance and the reason are on
    # the settlement's page (16 columns wrapped one character a line at 1366 px).
    assistance = MoneyColumn(verbose_name=_("救助合计"), orderable=False)
    policy_scope_cost = MoneyColumn()
    personal_burden = MoneyColumn()
    assistance_owed = MoneyColumn()

    class Meta:
        model = Settlement
        fields = (
            "id",
            "claimant",
            "id_number",
            "discharged",
            "category",
            "policy_scope_cost",
            "assistance",
            "personal_burden",
            "assistance_owed",
            "state",
        )
        order_by = ("-id",)
        attrs = {"class": "table table-sm table-striped"}

    def render_state(self, value):
        return _("已冲正") if value else _("有效")

    def render_category(self, value):
        return CATEGORIES[value].label if value in CATEGORIES else value
