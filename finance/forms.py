"""Forms of the finance pages: the values only; the services decide (and refuse with a DomainError)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimants.forms import ImportUploadForm, _Bootstrap
from finance import funds
from finance.models import IncomeKind
from settlements.money import MAX_BILL_AMOUNT

__all__ = ["ImportUploadForm"]

MAX_FUND_AMOUNT = MAX_BILL_AMOUNT * 1000


class _AccountForm(_Bootstrap, forms.Form):
    """A fund and an account region of the user's region."""

    fund = forms.ChoiceField(label=_("资金"))
    region = forms.ChoiceField(label=_("核算地区"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = funds.accounts_visible_to(user)
        self.fields["region"].choices = [(r.code, r.full_name) for r in accounts]
        names: dict[str, str] = {}
        for region in accounts:
            names |= funds.funds_of(funds.jurisdiction_of(region.code))
        self.fields["fund"].choices = list(names.items())
        self._style()


class IncomeForm(_AccountForm):
    kind = forms.ChoiceField(label=_("收入类型"), choices=IncomeKind.choices)
    amount = forms.DecimalField(
        label=_("金额（元）"), min_value=0.01, max_value=MAX_FUND_AMOUNT, decimal_places=2
    )
    date = forms.DateField(label=_("到账日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("凭证号"), max_length=64)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("到账日期不能晚于今天"))
        return date


class BudgetForm(_AccountForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label=_("预算金额（元）"), min_value=0, max_value=MAX_FUND_AMOUNT, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self._style()


class NoteForm(_Bootstrap, forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ApproveForm(_Bootstrap, forms.Form):
    override_reason = forms.CharField(
        label=_("超预算理由（仅超出预算时填写）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PaymentForm(_Bootstrap, forms.Form):
    reference = forms.CharField(label=_("支付凭证号"), max_length=64)
    payment_date = forms.DateField(label=_("支付日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_date"].initial = timezone.localdate()
        self._style()
