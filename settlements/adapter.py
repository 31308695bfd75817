"""The thin layer between database rows and the pure policy engine (``settlements.policy``).

Rows become the engine's frozen dataclasses. A policy year's values are those its package's schema declares
(``jurisdictions/<code>/parameters.py``: the columns every city has, the rest in ``PolicyYear.parameters``);
the schema checks them all at once with labels in both languages, then the engine's own scenario parser and
compiler read them, so a policy year is also validated by exactly the rules that settle with it.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from claimants import categories
from claimants.models import Certification
from jurisdictions import registry
from jurisdictions.parameters import CAP, ParameterSchema, Text, stored_value
from jurisdictions.parameters import Problem as SchemaProblem
from settlements.models import LedgerEntry, PolicyYear, Visit
from settlements.policy import types as engine
from settlements.policy.engine import compile_policy
from settlements.policy.errors import PolicyInputError, Problem
from settlements.policy.rules import Policy
from settlements.policy.scenario import parse_parameters


def schema_of(jurisdiction: str) -> type[ParameterSchema]:
    """The parameter schema the jurisdiction's package declares (``Jurisdiction.parameters``)."""
    return registry.get(jurisdiction).parameters


def in_language(text: Text) -> str:
    """A schema text in the page's language."""
    return text.en if _english() else text.zh


def values_of(policy_year: PolicyYear) -> dict[str, Any]:
    """The policy year's values by schema field: its columns and the keys of ``parameters``."""
    values: dict[str, Any] = dict(policy_year.parameters or {})
    for name, spec in schema_of(policy_year.jurisdiction).specs().items():
        if spec.column:
            values[name] = getattr(policy_year, name)
    return values


def assign_values(policy_year: PolicyYear, values: Mapping[str, Any]) -> PolicyYear:
    """Set schema values (Decimals or texts) on a policy year: the columns, and the rest into ``parameters``
    as the schema writes them. A name its schema does not declare raises ``KeyError``."""
    specs = schema_of(policy_year.jurisdiction).specs()
    parameters = dict(policy_year.parameters or {})
    for name, value in values.items():
        spec = specs[name]
        if spec.column:
            setattr(policy_year, name, value)
        elif value is None:
            parameters.pop(name, None)
        else:
            parameters[name] = stored_value(spec.kind, value)
    policy_year.parameters = parameters
    return policy_year


def parameters_document(policy_year: PolicyYear) -> dict:
    """The policy year's values in the scenario contract's ``parameters`` shape (strings, null = no cap): the
    income column and the stored keys its schema declares, every cap present."""
    document: dict = {}
    if policy_year.income_last_year is not None:
        document["income_last_year"] = _text(policy_year.income_last_year)
    stored = policy_year.parameters or {}
    for name, spec in schema_of(policy_year.jurisdiction).specs().items():
        if spec.column:
            continue
        value = stored.get(name)
        if spec.kind == CAP or value not in (None, "", [], {}):
            document[name] = value
    return document


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


@lru_cache(maxsize=256)
def _parse(jurisdiction: str, frozen_document: str) -> engine.Parameters:
    return parse_parameters(jurisdiction, json.loads(frozen_document))


def parameters_of(policy_year: PolicyYear) -> engine.Parameters:
    """The engine's ``Parameters`` of a policy year; raises ``PolicyInputError`` on bad values."""
    document = json.dumps(parameters_document(policy_year), sort_keys=True)
    return _parse(policy_year.jurisdiction, document)


def policy_of(policy_year: PolicyYear) -> Policy:
    """The compiled rules of a policy year (cached by the engine); raises ``PolicyInputError``."""
    return compile_policy(policy_year.jurisdiction, policy_year.year, parameters_of(policy_year))


def validate_policy_year(policy_year: PolicyYear) -> None:
    """Raise ``PolicyInputError`` with the engine's one-line message when the values cannot be used."""
    if policy_year.jurisdiction not in registry.installed():
        raise PolicyInputError(f'jurisdiction: unknown jurisdiction "{policy_year.jurisdiction}"')
    policy_of(policy_year)


def read_values(policy_year: PolicyYear) -> tuple[ParameterSchema | None, list[SchemaProblem]]:
    """The policy year's values read by its package's schema, or None with every value it refuses."""
    return schema_of(policy_year.jurisdiction).parse(values_of(policy_year))


def apply_values(policy_year: PolicyYear, values: ParameterSchema) -> PolicyYear:
    """Set the schema's values on the policy year as the schema writes them (columns, ``parameters``)."""
    for name, spec in values.specs().items():
        if spec.column:
            setattr(policy_year, name, getattr(values, name))
    policy_year.parameters = values.stored()
    return policy_year


def label_of(name: str) -> str:
    """A parameter's label in the page's language, from the installed packages' schemas."""
    for jurisdiction in registry.installed().values():
        spec = jurisdiction.parameters.specs().get(name)
        if spec is not None:
            return in_language(spec.label)
    try:
        return str(PolicyYear._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@dataclass(frozen=True)
class ValueProblem:
    """A refused value of a policy year: ``where`` (a field of the row or a schema path such as
    ``ratios.dibao``), ``what`` (the parameter, with its category or segment, in words), ``why``."""

    where: str
    what: str
    why: str

    def __str__(self) -> str:
        if not self.what:
            return self.why
        return f"{self.what}: {self.why}" if _english() else f"{self.what}：{self.why}"


def _english() -> bool:
    return (get_language() or "").startswith("en")


def qualified(label: str, detail: str) -> str:
    """A label with what it concerns: 「救助比例（低保对象）」, "Assistance ratios (dibao)"."""
    return f"{label} ({detail})" if _english() else f"{label}（{detail}）"


def schema_problem(problem: SchemaProblem) -> ValueProblem:
    """A schema problem in words: the parameter, the category or segment it concerns, what is wrong."""
    label = label_of(problem.name)
    rest = problem.path[len(problem.name) :]
    if rest.startswith("."):
        code = rest[1:]
        label = qualified(label, categories.label_of(code) or code)
    elif rest.startswith("["):
        label = qualified(label, _("第%(row)s段") % {"row": int(rest[1 : rest.index("]")]) + 1})
    return ValueProblem(problem.path, label, in_language(problem.message))


def certifications_of(rows: Iterable[Certification]) -> tuple[engine.Certification, ...]:
    return tuple(engine.Certification(row.category, row.valid_from, row.valid_to) for row in rows)


def visit_of(visit: Visit, *, settled_on=None) -> engine.Visit:
    return engine.Visit(
        id=str(visit.pk),
        type=visit.visit_type,
        admitted=visit.admitted,
        discharged=visit.discharged,
        referral=visit.referral,
        policy_scope_cost=visit.policy_scope_cost,
        basic_insurance_paid=visit.basic_insurance_paid,
        in_province=visit.in_province,
        in_city=visit.in_city,
        offsite_filed=visit.offsite_filed,
        critical_illness_paid=visit.critical_illness_paid,
        other_insurance_paid=visit.other_insurance_paid,
        supplementary_paid=visit.supplementary_paid,
        insurance_scheme=visit.insurance_scheme,
        settled_on=settled_on,
    )


def ledger_of(entries: Iterable[LedgerEntry]) -> engine.Ledger:
    return engine.Ledger({entry.counter: entry.amount for entry in entries})


def _problems() -> dict[str, str]:
    return {
        Problem.REQUIRED: _("该政策适用地必须填写"),
        Problem.NEGATIVE: _("不能为负数"),
        Problem.MALFORMED_MONEY: _("金额格式不正确，应如 12.34"),
        Problem.DECIMALS: _("最多保留两位小数"),
        Problem.RATE_RANGE: _("须为 0 至 1 之间的小数"),
        Problem.NOT_A_CATEGORY: _("不是国家指导意见中的救助类别"),
        Problem.UNKNOWN_PARAMETER: _("该政策适用地不使用此参数"),
        Problem.BELOW_LIMIT: _("低于国家指导意见规定的下限 %(limit)s"),
        Problem.ABOVE_LIMIT: _("高于国家指导意见规定的上限 %(limit)s"),
        Problem.SEGMENTS: _("分段有误：分段上限须逐段递增，只有最后一段可不设上限"),
    }


def engine_problem(error: PolicyInputError) -> ValueProblem:
    """The engine's refusal of a policy year's values in the user's words, from its fields: the parameter's
    label (``path`` = ``parameters.<name>[.<category>…]``), the category, what is wrong (``problem``, ``limit``)."""
    parts = error.path.split(".")
    if len(parts) < 2 or parts[0] != "parameters":
        return ValueProblem("", "", _("政策参数有误，请检查各项取值"))
    name = parts[1].split("[")[0]
    code = parts[2] if len(parts) > 2 and "[" not in parts[1] else None
    label = label_of(name)
    if code:
        label = qualified(label, categories.label_of(code) or code)
    text = _problems().get(error.problem or "")
    why = _("取值不合规") if text is None else text % {"limit": error.limit} if "%(limit)s" in text else text
    return ValueProblem(error.path.removeprefix("parameters."), label, why)


def parameter_problem(error: PolicyInputError) -> str:
    """``engine_problem`` as one line: 「救助比例（低保对象）：低于国家指导意见规定的下限 0.70」."""
    return str(engine_problem(error))
