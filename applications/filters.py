import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.kinds import kind_choices
from applications.models import OPEN_STATES, State
from claimants import params


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名或编号"), method="search")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=State.choices)
    kind = django_filters.ChoiceFilter(label=_("申请类型"), choices=kind_choices)
    overdue = django_filters.BooleanFilter(label=_("仅看超期"), method="only_overdue")
    claimant = django_filters.NumberFilter(
        field_name="claimant_id", widget=django_filters.widgets.forms.HiddenInput
    )

    def search(self, queryset, name, value):
        value = value.strip()
        number = value.upper().removeprefix("SQ")
        condition = Q(claimant__name__contains=value)
        if (pk := params.positive_int(number)) is not None:
            condition |= Q(pk=pk)
        return queryset.filter(condition)

    def only_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
        return queryset
