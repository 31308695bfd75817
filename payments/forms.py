"""Forms of the payment pages: they only validate input; the services decide."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms import StyledForm
from claimants.models import Region


class PayeeForm(StyledForm):
    name = forms.CharField(label=_("收款人姓名"), max_length=50)
    bank_name = forms.CharField(label=_("开户银行"), max_length=100)
    account_number = forms.CharField(
        label=_("银行账号"), max_length=40, help_text=_("请完整输入账号（页面上只显示后四位）")
    )


class ReturnForm(StyledForm):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


NOTE_MAX_LENGTH = 500


class ReleaseForm(StyledForm):
    note = forms.CharField(
        label=_("放款说明"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如预算执行超限需放款，写明理由"),
    )


class ResultFileForm(StyledForm):
    file = forms.FileField(label=_("银行回盘文件（CSV或XLSX）"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("只接受CSV或XLSX文件"))
        return uploaded


class NoticeForm(StyledForm):
    """A township of the user's region and a month."""

    region = forms.ChoiceField(label=_("乡镇（街道）"))
    month = forms.CharField(
        label=_("月份"), widget=forms.DateInput(attrs={"type": "month", "class": "form-control"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = Region.objects.filter(
            code__startswith=user.region_id, level=Region.Level.TOWNSHIP
        ).order_by("code")
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in townships]

    def clean_month(self) -> dt.date:
        raw = self.cleaned_data["month"].strip()
        try:
            return dt.date.fromisoformat(f"{raw}-01")
        except ValueError as exc:
            raise forms.ValidationError(_("月份格式应为YYYY-MM")) from exc
