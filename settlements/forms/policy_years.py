"""The policy-year editor, generated from the jurisdiction's parameter schema: an input per value, a table
per rate field, the 大病 segments as rows. It validates input; the services decide and write."""

import copy
import re
from decimal import Decimal

from django import forms
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from claimants import categories
from jurisdictions.parameters import CAP, CATEGORY, MONEY, RATES, SEGMENTS, number_text
from settlements import adapter
from settlements.forms.visits import bootstrap
from settlements.models import PolicyYear
from settlements.money import format_money
from settlements.services import policy_year_problems as check_policy_year_values


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
        bootstrap(self)

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
