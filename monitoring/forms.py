"""Input of the monitoring pages: the month to run and a department's answer to an alert."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from claimants import categories
from monitoring.models import HighCostAlert


class RunForm(forms.Form):
    period = forms.CharField(
        label=_("预警月份"),
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}),
        help_text=_("数据截止到该月末"),
    )

    def clean_period(self) -> dt.date:
        try:
            return dt.date.fromisoformat(self.cleaned_data["period"] + "-01")
        except ValueError as exc:
            raise forms.ValidationError(_("请按“年-月”填写，例如 2023-03")) from exc


class FeedbackForm(forms.Form):
    # No answer is chosen for the officer: a default would close a high-cost alert as "no risk" in one click.
    result = forms.ChoiceField(
        label=_("反馈结果"),
        choices=[("", _("— 请选择核实结果 —")), *HighCostAlert.Result.choices],
        error_messages={"required": _("请选择核实结果")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    category = forms.ChoiceField(
        label=_("认定类别"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    valid_from = forms.DateField(
        label=_("有效期起"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    reason = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, alert: HighCostAlert, **kwargs):
        super().__init__(*args, **kwargs)
        jurisdiction = alert.county.jurisdiction
        self.fields["category"].choices = [("", "—")] + [
            (code, label)
            for code, label in categories.category_choices(jurisdiction)
            if categories.certifying_department(code) == alert.department
        ]
