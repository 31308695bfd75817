"""List filters. Choices are limited to what the signed-in user may see (their region subtree)."""

import functools
import re

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from claimants import categories, selectors
from claimants.models import Certification, Claimant, InsuranceScheme, Region
from core.regions import region_lookup

ID_SEARCH = re.compile(r"^[0-9Xx]+$")


def validate_search(value: str) -> None:
    """Digits search the ID number, and only the whole number: a fragment search would let anyone rebuild
    a masked number digit by digit from the rows it finds (docs/decisions.md "ID numbers")."""
    value = value.strip()
    if ID_SEARCH.match(value) and len(value) != 18:
        raise forms.ValidationError(_("按身份证号查询请输入完整的18位号码；按姓名查询请输入汉字"))


def search(queryset, value: str, id_field: str, name_field: str):
    """A whole ID number (``validate_search``) finds that person; anything else searches the name.

    A name fragment of three or more characters matches anywhere (pg_trgm GIN index, migration 0003); a
    shorter one (most Chinese names have two or three characters) matches from the start, which a
    ``varchar_pattern_ops`` index serves: trigrams cannot narrow a two-character fragment.
    """
    value = value.strip()
    if not value:
        return queryset
    if ID_SEARCH.match(value):
        return queryset.filter(**{id_field: value.upper()})
    if len(value) < 3:
        return queryset.filter(**{f"{name_field}__startswith": value})
    return queryset.filter(**{f"{name_field}__contains": value})


@functools.lru_cache(maxsize=256)
def _subtree_choices(region_code: str) -> tuple[tuple[str, str], ...]:
    # Division codes change once a year at most (load_divisions); a process restart picks them up.
    regions = Region.objects.filter(code__startswith=region_code, level__gte=Region.Level.COUNTY)
    return tuple((r.code, f"{r.code} {r.name}") for r in regions.order_by("code").only("code", "name"))


def _region_choices(user) -> list[tuple[str, str]]:
    return list(_subtree_choices(user.region_id))


class PlainSelect(forms.Select):
    """A ``<select>`` written with string joins: a region chooser holds hundreds of townships, and
    Django's per-option template rendering of them cost more than the rest of the list page."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, " selected" if str(code) == chosen else "", label)
                for code, label in self.choices
                if code
            ),
        )
        return format_html('<select{}><option value="">—</option>{}</select>', flatatt(attrs), options)


def _plain_selects(form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.ChoiceField):
            field.widget = PlainSelect(attrs={"class": "form-select form-select-sm"}, choices=field.choices)
        else:
            field.widget.attrs["class"] = "form-control form-control-sm"


class ClaimantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名或身份证号"), method="filter_q", validators=[validate_search])
    region = django_filters.ChoiceFilter(label=_("户籍所在地"), method="filter_region")
    category = django_filters.ChoiceFilter(label=_("当前认定类别"), method="filter_category")
    scheme = django_filters.ChoiceFilter(label=_("参保类型"), choices=InsuranceScheme.choices)

    class Meta:
        model = Claimant
        fields = ["q", "region", "category", "scheme"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["region"].extra["choices"] = _region_choices(user)
        self.filters["category"].extra["choices"] = categories.category_choices(user.jurisdiction or None)
        _plain_selects(self.form)

    def filter_q(self, queryset, name, value):
        return search(queryset, value, "id_number", "name")

    @property
    def qs(self):
        """The list is of the people being helped: a person known only from the platform's settlement records
        (``Claimant.Origin.PLATFORM``) is found by a search of their whole ID number, not listed."""
        if not hasattr(self, "_listed"):  # built once, as django-filter keeps its own ``qs``
            queryset = super().qs
            searched = (self.data or {}).get("q", "").strip()
            if not (ID_SEARCH.match(searched) and len(searched) == 18):
                queryset = queryset.filter(origin=Claimant.Origin.REGISTERED)
            self._listed = queryset
        return self._listed

    def filter_region(self, queryset, name, value):
        return queryset.filter(**region_lookup("hukou_region", value))

    def filter_category(self, queryset, name, value):
        return selectors.holding_category(queryset, value, selectors.today())


class CertificationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名或身份证号"), method="filter_q", validators=[validate_search])
    category = django_filters.ChoiceFilter(label=_("认定类别"))
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Certification.Status.choices, method="filter_status"
    )
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Certification.Source.choices)
    region = django_filters.ChoiceFilter(label=_("户籍所在地"), method="filter_region")

    class Meta:
        model = Certification
        fields = ["q", "category", "status", "source", "region"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = categories.category_choices(user.jurisdiction or None)
        self.filters["region"].extra["choices"] = _region_choices(user)
        self.form.fields["q"].widget = forms.TextInput()
        _plain_selects(self.form)

    def filter_q(self, queryset, name, value):
        return search(queryset, value, "claimant__id_number", "claimant__name")

    def filter_status(self, queryset, name, value):
        return selectors.with_certification_status(queryset, value, selectors.today())

    def filter_region(self, queryset, name, value):
        return queryset.filter(**region_lookup("claimant__hukou_region", value))
