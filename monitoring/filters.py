import datetime as dt

import django_filters
from django.utils.translation import gettext_lazy as _

from monitoring.models import HighCostAlert


class AlertFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(label=_("预警月份（年-月）"), method="filter_month")
    kind = django_filters.ChoiceFilter(label=_("预警类型"), choices=HighCostAlert.Kind.choices)
    disposition = django_filters.ChoiceFilter(label=_("处理方式"), choices=HighCostAlert.Disposition.choices)
    department = django_filters.ChoiceFilter(
        label=_("接收部门"), choices=HighCostAlert._meta.get_field("department").choices
    )
    feedback = django_filters.ChoiceFilter(
        label=_("反馈情况"),
        choices=(("pending", _("未反馈")), ("answered", _("已反馈"))),
        method="filter_feedback",
    )

    class Meta:
        model = HighCostAlert
        fields = ["month", "kind", "disposition", "department", "result"]

    def filter_month(self, queryset, name, value):
        try:
            return queryset.filter(period=dt.date.fromisoformat(f"{value}-01"))
        except ValueError:
            return queryset.none()

    def filter_feedback(self, queryset, name, value):
        return queryset.filter(result="") if value == "pending" else queryset.exclude(result="")
