"""The dashboards' filter: region subtree and year, remembered in the session."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.dashboards.selectors import region_choices

SESSION_KEY = "dashboard_filters"
FIRST_YEAR = 2022


class DashboardFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("地区"))
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {region.code: region for region in region_choices(user)}
        top = user.region.level
        self.fields["region"].choices = [
            (code, "　" * (region.level - top) + region.name) for code, region in self.regions.items()
        ]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]


class ReportForm(forms.Form):
    month = forms.DateField(label=_("月份"), input_formats=["%Y-%m"])
