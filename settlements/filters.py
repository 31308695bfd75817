"""List filters of the settlements screens (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from claimants import categories
from settlements.models import Settlement, SettlementReason, Visit, VisitType


class VisitFilter(django_filters.FilterSet):
    STATUS_CHOICES = (("awaiting", _("待结算")), ("settled", _("已结算")))

    status = django_filters.ChoiceFilter(label=_("结算状态"), choices=STATUS_CHOICES, method="filter_status")
    name = django_filters.CharFilter(label=_("姓名"), field_name="claimant__name", lookup_expr="startswith")
    year = django_filters.NumberFilter(label=_("年度"))
    visit_type = django_filters.ChoiceFilter(label=_("就诊类型"), choices=VisitType.choices)
    batch = django_filters.NumberFilter(label=_("导入批次"), field_name="import_batch")
    # One person's visits (the visits behind an alert's amount): kept by the filter bar, not typed in it.
    claimant = django_filters.NumberFilter(
        label=_("救助对象"), field_name="claimant", widget=forms.HiddenInput
    )

    class Meta:
        model = Visit
        fields = ["status", "name", "year", "visit_type", "batch", "claimant"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_settled=value == "settled")


class SettlementFilter(django_filters.FilterSet):
    STATE_CHOICES = (("in_force", _("有效")), ("reversed", _("已冲正")))

    state = django_filters.ChoiceFilter(label=_("状态"), choices=STATE_CHOICES, method="filter_state")
    name = django_filters.CharFilter(label=_("姓名"), field_name="claimant__name", lookup_expr="startswith")
    year = django_filters.NumberFilter(label=_("年度"))
    category = django_filters.ChoiceFilter(label=_("救助身份"), choices=categories.category_choices())
    reason = django_filters.ChoiceFilter(label=_("原因"), choices=SettlementReason.choices)
    discharged_from = django_filters.DateFilter(
        label=_("出院日期起"), field_name="discharged", lookup_expr="gte"
    )
    discharged_to = django_filters.DateFilter(
        label=_("出院日期止"), field_name="discharged", lookup_expr="lte"
    )

    class Meta:
        model = Settlement
        fields = ["state", "name", "year", "category", "reason"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(reversed_at__isnull=value == "in_force")
