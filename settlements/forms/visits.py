"""Forms of the visit pages: a visit, settling, reversal; what the settlement forms share (``MONEY_FIELD``,
``bootstrap``). They validate input; the services decide and write."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from claimants.models import InsuranceScheme
from core.errors import DomainError
from settlements.models import Hospital, Referral, VisitType
from settlements.services import check_visit_values

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        is_check = isinstance(field.widget, forms.CheckboxInput)
        field.widget.attrs.setdefault(
            "class", "form-check-input" if is_check else "form-control form-control-sm"
        )


class VisitForm(forms.Form):
    """A visit (就医记录) entered by hand by a medical-security reviewer."""

    id_number = forms.CharField(label=_("就诊人身份证号"), max_length=18)
    hospital = forms.ModelChoiceField(label=_("医疗机构"), queryset=Hospital.objects.none(), required=False)
    visit_type = forms.ChoiceField(label=_("就诊类型"), choices=VisitType.choices)
    admitted = forms.DateField(label=_("入院（就诊）日期"), widget=forms.DateInput(attrs={"type": "date"}))
    discharged = forms.DateField(label=_("出院（结算）日期"), widget=forms.DateInput(attrs={"type": "date"}))
    referral = forms.ChoiceField(label=_("转诊"), choices=Referral.choices)
    in_city = forms.BooleanField(label=_("市内就医"), required=False, initial=True)
    offsite_filed = forms.BooleanField(label=_("异地就医已备案"), required=False)
    total_cost = forms.DecimalField(label=_("医疗总费用"), **MONEY_FIELD)
    policy_scope_cost = forms.DecimalField(label=_("政策范围内费用"), **MONEY_FIELD)
    basic_insurance_paid = forms.DecimalField(label=_("基本医保统筹支付"), initial=0, **MONEY_FIELD)
    critical_illness_paid = forms.DecimalField(
        label=_("大病保险支付（已结算时填写）"), required=False, **MONEY_FIELD
    )
    insurance_scheme = forms.ChoiceField(
        label=_("就诊参保类型"),
        choices=[("", _("按登记的参保类型")), *InsuranceScheme.choices],
        required=False,
        help_text=_("职工医保就诊的大病保险按实际支付的职工大额医疗费用补助填写，未支付填 0"),
    )
    supplementary_paid = forms.DecimalField(
        label=_("公务员医疗补助及企业补充医疗保险支付"),
        initial=0,
        required=False,
        help_text=_("在医疗救助之前支付（商业保险等其他支付填在下一项）"),
        **MONEY_FIELD,
    )
    other_insurance_paid = forms.DecimalField(label=_("其他补充保险支付"), initial=0, **MONEY_FIELD)
    fully_self_paid = forms.DecimalField(label=_("全自费金额"), initial=0, **MONEY_FIELD)
    assistance_paid_at_hospital = forms.DecimalField(
        label=_("医院已垫付医疗救助"), initial=0, required=False, **MONEY_FIELD
    )

    def __init__(self, *args, claimants, hospitals, **kwargs):
        super().__init__(*args, **kwargs)
        self.claimants = claimants
        self.fields["hospital"].queryset = hospitals
        bootstrap(self)

    def clean_id_number(self):
        number = self.cleaned_data["id_number"].strip().upper()
        claimant = self.claimants.filter(id_number=number).select_related("hukou_region").first()
        if claimant is None:
            raise forms.ValidationError(_("您的管辖范围内没有该身份证号的救助对象"))
        self.cleaned_data["claimant"] = claimant
        return number

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["assistance_paid_at_hospital"] = data.get("assistance_paid_at_hospital") or Decimal("0.00")
        data["supplementary_paid"] = data.get("supplementary_paid") or Decimal("0.00")
        data["insurance_scheme"] = data.get("insurance_scheme") or data["claimant"].scheme
        try:
            check_visit_values(
                visit_type=data["visit_type"],
                referral=data["referral"],
                admitted=data["admitted"],
                discharged=data["discharged"],
                total_cost=data["total_cost"],
                policy_scope_cost=data["policy_scope_cost"],
                basic_insurance_paid=data["basic_insurance_paid"],
                fully_self_paid=data["fully_self_paid"],
                critical_illness_paid=data.get("critical_illness_paid"),
                other_insurance_paid=data["other_insurance_paid"],
                assistance_paid_at_hospital=data["assistance_paid_at_hospital"],
                supplementary_paid=data["supplementary_paid"],
                insurance_scheme=data["insurance_scheme"],
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=str(exc.code)) from exc
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("id_number")
        return data


class SettleForm(forms.Form):
    settled_on = forms.DateField(
        label=_("依申请结算日期（书面申请时填写）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )


class ReversalForm(forms.Form):
    reason = forms.CharField(
        label=_("冲正原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
