"""Forms of the settlements app: they validate input; the services decide and write."""

import copy
import re
from decimal import Decimal

from django import forms
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from claimants import categories
from claimants.models import InsuranceScheme
from core.errors import DomainError
from jurisdictions.parameters import CAP, CATEGORY, MONEY, RATES, SEGMENTS, number_text
from settlements import adapter
from settlements.models import Hospital, PolicyYear, Referral, VisitType
from settlements.money import format_money
from settlements.services import check_visit_values
from settlements.services import policy_year_problems as check_policy_year_values

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _bootstrap(form: forms.BaseForm) -> None:
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
        _bootstrap(self)

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


class SegmentForm(forms.Form):
    """One row of a 大病 schedule: the ratio paid up to a bound (blank on the last row: no bound)."""

    up_to = forms.CharField(label=_("分段上限（元）"), required=False, max_length=20)
    ratio = forms.CharField(label=_("比例"), required=False, max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control form-control-sm", "inputmode": "decimal"})

    def is_blank(self) -> bool:
        return (
            not (self.cleaned_data.get("up_to") or "").strip()
            and not (self.cleaned_data.get("ratio") or "").strip()
        )


SegmentFormSet = forms.formset_factory(SegmentForm, extra=2, can_delete=True)


def _money_shown(text: str) -> str:
    """A money text as people read it (50,000.00); a text that is no amount as it was typed."""
    try:
        return format_money(Decimal(text))
    except ArithmeticError:
        return text


def _shown(value) -> str:
    """A stored parameter value as the editor shows it ("" for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return number_text(value)
    return str(value)


class PolicyYearForm(forms.ModelForm):
    """The policy-year editor (system administrators): the row's own fields and, generated from the
    jurisdiction package's parameter schema, one input per parameter, a rate per category (by name) and the
    大病 segments as rows; each beside the value in force. Every problem the schema finds is shown at its
    field at once; the engine's own validation follows."""

    change_reason = forms.CharField(label=_("修改原因"), max_length=100, required=False)

    class Meta:
        model = PolicyYear
        fields = ["jurisdiction", "year", "effective_from"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, jurisdiction: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = self.instance.jurisdiction or jurisdiction
        # An administrator sets the years of their own city only.
        field = self.fields["jurisdiction"]
        field.choices = [(value, label) for value, label in field.choices if value == jurisdiction]
        field.initial = jurisdiction
        self.schema = adapter.schema_of(self.jurisdiction)
        self.specs = self.schema.specs()
        stored = adapter.values_of(self.instance) if self.instance.pk else {}
        initial = adapter.values_of(PolicyYear(jurisdiction=self.jurisdiction)) | stored
        self.in_force = stored
        self.segment_sets: dict[str, forms.BaseFormSet] = {}
        for name, spec in self.specs.items():
            label, help_text = adapter.in_language(spec.label), adapter.in_language(spec.help)
            if spec.kind == RATES:
                for code in self.schema.categories:
                    self.fields[f"{name}__{code}"] = forms.CharField(
                        label=adapter.qualified(label, categories.label_of(code)),
                        required=False,
                        initial=_shown((initial.get(name) or {}).get(code)),
                    )
            elif spec.kind == SEGMENTS:
                rows = [
                    {"up_to": _shown(row.get("up_to")), "ratio": _shown(row.get("ratio"))}
                    for row in initial.get(name) or []
                ]
                self.segment_sets[name] = SegmentFormSet(self.data or None, prefix=name, initial=rows)
            elif spec.kind == CATEGORY:
                codes = self.schema.choices.get(name, self.schema.categories)
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    help_text=help_text,
                    required=False,
                    choices=[("", "—"), *((code, categories.label_of(code)) for code in codes)],
                    initial=initial.get(name) or "",
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=help_text,
                    required=False,
                    max_length=20,
                    initial=_shown(initial.get(name)),
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
        self.order_fields(["jurisdiction", "year", "effective_from", *self.specs])
        _bootstrap(self)

    # Reading the inputs ----------------------------------------------------------------------------------

    def _schema_values(self) -> dict:
        """The inputs by schema field, as typed (the schema reads and checks them)."""
        values: dict = {}
        self._segment_rows: dict[str, list[forms.Form]] = {}
        for name, spec in self.specs.items():
            if spec.kind == RATES:
                values[name] = {
                    code: text
                    for code in self.schema.categories
                    if (text := (self.cleaned_data.get(f"{name}__{code}") or "").strip())
                }
            elif spec.kind == SEGMENTS:
                formset = self.segment_sets[name]
                kept = [
                    row
                    for row in formset.forms
                    if row.is_valid() and not row.is_blank() and not row.cleaned_data.get("DELETE")
                ]
                self._segment_rows[name] = kept
                values[name] = [
                    {"up_to": row.cleaned_data["up_to"].strip(), "ratio": row.cleaned_data["ratio"].strip()}
                    for row in kept
                ]
            else:
                values[name] = (self.cleaned_data.get(name) or "").strip()
        return values

    def _candidate(self, values: dict) -> PolicyYear:
        candidate = construct_instance(self, copy.copy(self.instance))
        candidate.jurisdiction = self.jurisdiction
        candidate.parameters = {}
        for name, spec in self.specs.items():
            if spec.column:
                setattr(candidate, name, values.get(name) or None)
            elif values.get(name):
                candidate.parameters[name] = values[name]
        return candidate

    def _place(self, problem: adapter.ValueProblem) -> None:
        """Show a problem at the input it concerns (a field, a category's rate, a segment's cell), or above
        the form when it concerns no one input."""
        where = problem.where
        name = re.split(r"[.\[]", where, maxsplit=1)[0]
        if name in self.segment_sets:
            cell = re.fullmatch(rf"{name}\[(\d+)\]\.(up_to|ratio)", where)
            rows = self._segment_rows.get(name, [])
            if cell and int(cell[1]) < len(rows):
                rows[int(cell[1])].add_error(cell[2], problem.why)
                return
            self.segment_errors.setdefault(name, []).append(problem.why)
            self.add_error(None, str(problem))
            return
        rate = where.replace(".", "__", 1)
        if rate in self.fields or where in self.fields:
            self.add_error(rate if rate in self.fields else where, problem.why)
        else:
            self.add_error(None, str(problem))

    def is_valid(self) -> bool:
        valid = super().is_valid()  # the segment rows' own problems are placed in their rows
        return all([valid, *(formset.is_valid() for formset in self.segment_sets.values())])

    def clean(self):
        data = super().clean()
        self.segment_errors: dict[str, list[str]] = {}
        candidate = self._candidate(self._schema_values())
        problems = check_policy_year_values(candidate)
        for problem in problems:
            self._place(problem)
        if not problems and not self.errors:
            values, _problems = adapter.read_values(candidate)
            if values is not None:
                adapter.apply_values(self.instance, values)
        return data

    # What the page shows -----------------------------------------------------------------------------------

    def _in_force(self, name: str, spec, value) -> str:
        if spec.kind == CAP and self.instance.pk and value in (None, ""):
            return str(_("不设限额"))
        if value in (None, ""):
            return "—"
        if spec.kind == CATEGORY:
            return categories.label_of(value)
        if spec.kind in (MONEY, CAP):
            return _money_shown(str(value))
        return _shown(value)

    def year_fields(self) -> list[forms.BoundField]:
        return [self["jurisdiction"], self["year"], self["effective_from"]]

    def closing_fields(self) -> list[forms.BoundField]:
        return [self["change_reason"]]

    def parameter_rows(self) -> list[dict]:
        """The single-value parameters: each input beside the value in force."""
        return [
            {"field": self[name], "in_force": self._in_force(name, spec, self.in_force.get(name))}
            for name, spec in self.specs.items()
            if spec.kind not in (RATES, SEGMENTS)
        ]

    def rate_tables(self) -> list[dict]:
        """A table per rate field: a row per category, by name, with the rate in force (given or built in)."""
        tables = []
        for name, spec in self.specs.items():
            if spec.kind != RATES:
                continue
            given = self.in_force.get(name) or {}
            built_in = self.schema.built_in.get(name, {})
            rows = []
            for code in self.schema.categories:
                if code in given:
                    in_force, source = _shown(given[code]), ""
                elif code in built_in:
                    in_force, source = _shown(built_in[code]), str(_("内置"))
                else:
                    in_force, source = str(_("未设置")), ""
                rows.append(
                    {
                        "category": categories.label_of(code),
                        "field": self[f"{name}__{code}"],
                        "in_force": in_force,
                        "source": source,
                    }
                )
            tables.append(
                {
                    "label": adapter.in_language(spec.label),
                    "help": adapter.in_language(spec.help),
                    "rows": rows,
                }
            )
        return tables

    def segment_tables(self) -> list[dict]:
        """The 大病 schedules: rows to edit (blank extra rows add one, the box removes one), each with the
        bound it starts from, and the rows in force."""
        tables = []
        for name, formset in self.segment_sets.items():
            spec = self.specs[name]
            rows, start = [], "0.00"
            for row in formset.forms:
                up_to, ratio = ((row[cell].value() or "").strip() for cell in ("up_to", "ratio"))
                rows.append((row, start if up_to or ratio else ""))  # a blank row starts where it is filled
                start = _money_shown(up_to) if up_to else start
            in_force, start = [], "0.00"
            for row in self.in_force.get(name) or []:
                up_to = _money_shown(row["up_to"]) if row.get("up_to") else str(_("不设上限"))
                in_force.append({"start": start, "up_to": up_to, "ratio": _shown(row.get("ratio"))})
                start = up_to
            tables.append(
                {
                    "prefix": name,
                    "label": adapter.in_language(spec.label),
                    "help": adapter.in_language(spec.help),
                    "formset": formset,
                    "rows": rows,
                    "in_force": in_force,
                    "errors": getattr(self, "segment_errors", {}).get(name, []),
                }
            )
        return tables

    def fixed_tables(self) -> list[dict]:
        """The values the package's text sets, per category by name (shown, not edited)."""
        return [
            {
                "label": adapter.in_language(label),
                "rows": [(categories.label_of(code), _shown(value)) for code, value in values.items()],
            }
            for label, values in self.schema.fixed
        ]
