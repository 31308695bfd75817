"""The scenario JSON contract of ``SCENARIOS.md``, input side: decode, parse and validate a document.

``parse_scenario`` turns a decoded JSON document into a ``Scenario`` or raises ``ScenarioError`` with one
line that names the field, e.g. ``visits[1].policy_scope_cost: negative amount "-5.00"``. Indexes are
0-based. Unknown keys inside a visit, certification or application are ignored (Clarification 21).
``render.render_result`` gives the output document.
"""

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from jurisdictions import registry
from settlements.policy.base import CENT, ZERO
from settlements.policy.engine import compile_policy
from settlements.policy.errors import PolicyInputError, Problem, ScenarioError
from settlements.policy.rules import Policy
from settlements.policy.types import (
    BeijingHouseholdApplication,
    Category,
    Certification,
    HouseholdMember,
    InsuranceScheme,
    Parameters,
    Referral,
    Scenario,
    Segment,
    TianjinApplicationRequest,
    Visit,
    VisitType,
)

_MONEY = re.compile(r"-?\d+(\.\d+)?")
_RATE = re.compile(r"\d+(\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY_PARAMETERS = ("income_last_year", "tilt_threshold", "critical_illness_threshold")
_CAP_PARAMETERS = ("assistance_annual_cap", "tilt_annual_cap")
# The engine's two application blocks: Beijing's annual household aid, Tianjin's illness-impoverished request.
BEIJING_HOUSEHOLD_KIND = "beijing_annual_household"
_MISSING = object()
_VISIT_TYPES = frozenset(VisitType)
_REFERRALS = frozenset(Referral)
_SCHEMES = frozenset(InsuranceScheme)


def _fail(path: str, message: str, problem: str | None = None) -> ScenarioError:
    return ScenarioError(f"{path}: {message}", problem=problem)


def _shown(value: Any) -> str:
    """A JSON value as it appears in the input, for messages."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "an object"
    return str(value)


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, f"expected an object, got {_shown(value)}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, f"expected a list, got {_shown(value)}")
    return value


def _field(data: Mapping[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
    """A key's value; a null where null is not allowed is malformed (Clarification 3)."""
    value = data.get(key, default)
    key_path = f"{path}.{key}" if path else key
    if value is _MISSING:
        raise _fail(key_path, "required")
    if value is None:
        raise _fail(key_path, "null is not allowed here")
    return value


def money(value: Any, path: str) -> Decimal:
    """A money string with at most two decimals, not negative (Clarification 2)."""
    if not isinstance(value, str) or not _MONEY.fullmatch(value):
        raise _fail(
            path, f'malformed money {_shown(value)} (expected a string like "12.34")', Problem.MALFORMED_MONEY
        )
    if value.startswith("-"):
        raise _fail(path, f"negative amount {_shown(value)}", Problem.NEGATIVE)
    if "." in value and len(value.split(".")[1]) > 2:
        raise _fail(path, f"more than two decimals in {_shown(value)}", Problem.DECIMALS)
    return Decimal(value).quantize(CENT)


def rate(value: Any, path: str) -> Decimal:
    """A ratio or rate: a decimal string between 0 and 1 (Clarification 21)."""
    if not isinstance(value, str) or not _RATE.fullmatch(value) or Decimal(value) > 1:
        raise _fail(path, f"{_shown(value)} is not a decimal string between 0 and 1", Problem.RATE_RANGE)
    return Decimal(value)


def day(value: Any, path: str) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _fail(path, f"malformed date {_shown(value)} (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(path, f"malformed date {_shown(value)}") from None


def integer(value: Any, path: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(path, f"{_shown(value)} is not an integer")
    return value


def flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, f"{_shown(value)} is not a JSON boolean")
    return value


def text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(path, f"{_shown(value)} is not a non-empty string")
    return value


def _choice(value: Any, path: str, choices: Any, what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _fail(path, f"unknown {what} {_shown(value)}")
    return value


# Parameters ------------------------------------------------------------------------------------------


def _segments(value: Any, path: str) -> tuple[Segment, ...]:
    segments = []
    previous = None
    items = _list(value, path)
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        item = _object(item, item_path)
        up_to = item.get("up_to", _MISSING)
        if up_to is _MISSING:
            raise _fail(f"{item_path}.up_to", "required (null = open)", Problem.SEGMENTS)
        if up_to is None:
            if index != len(items) - 1:
                raise _fail(
                    f"{item_path}.up_to", "only the last segment may be open (null)", Problem.SEGMENTS
                )
        else:
            up_to = money(up_to, f"{item_path}.up_to")
            if previous is not None and up_to <= previous:
                raise _fail(f"{item_path}.up_to", "segment bounds must strictly increase", Problem.SEGMENTS)
            previous = up_to
        segments.append(Segment(up_to, rate(_field(item, "ratio", item_path), f"{item_path}.ratio")))
    if not segments:
        raise _fail(path, "at least one segment is required")
    return tuple(segments)


def _rates(value: Any, path: str) -> tuple[tuple[str, Decimal], ...]:
    return tuple((code, rate(item, f"{path}.{code}")) for code, item in _object(value, path).items())


def parse_parameters(jurisdiction: str, value: Any) -> Parameters:
    """The ``parameters`` object: only the names of the contract; caps may be null (no cap)."""
    data = _object(value, "parameters")
    fields: dict[str, Any] = {}
    declared = registry.get(jurisdiction)
    rate_names = declared.scenario.rates
    for name, item in data.items():
        path = f"parameters.{name}"
        if name in _CAP_PARAMETERS:
            fields[name] = None if item is None else money(item, path)
        elif name in _MONEY_PARAMETERS:
            fields[name] = money(_field(data, name, "parameters"), path)
        elif name == "critical_illness_segments":
            fields[name] = _segments(_field(data, name, "parameters"), path)
        elif name in rate_names:
            fields[name] = _rates(_field(data, name, "parameters"), path)
        elif name == "other_special_as" and declared.other_special:
            fields[name] = text(_field(data, name, "parameters"), path)
        else:
            raise _fail(path, f"unknown parameter for {jurisdiction}", Problem.UNKNOWN_PARAMETER)
    for name in declared.scenario.required:
        if name not in data:
            raise _fail(f"parameters.{name}", f"required by {jurisdiction}", Problem.REQUIRED)
    return Parameters(**fields)


# Certifications, visits, applications ----------------------------------------------------------------


def _certification(policy: Policy, value: Any, path: str) -> Certification:
    data = _object(value, path)
    category = _field(data, "category", path)
    if not isinstance(category, str) or category not in policy.known_categories:
        raise _fail(f"{path}.category", f"{_shown(category)} is not a category of {policy.jurisdiction}")
    settled_as = policy.category_of(category)
    if settled_as == Category.OTHER_SPECIAL:
        raise _fail("parameters.other_special_as", f"required by {path} (other_special)")
    if settled_as in policy.missing:
        raise ScenarioError(policy.missing[settled_as])
    valid_from = day(_field(data, "valid_from", path), f"{path}.valid_from")
    valid_to = data.get("valid_to")
    if valid_to is not None:
        valid_to = day(valid_to, f"{path}.valid_to")
        if valid_to < valid_from:
            raise _fail(f"{path}.valid_to", f"{valid_to} is before valid_from {valid_from}")
    return Certification(category, valid_from, valid_to)


def _visit(value: Any, path: str, year: int) -> Visit:
    data = _object(value, path)
    visit_id = text(_field(data, "id", path), f"{path}.id")
    visit_type = _choice(_field(data, "type", path), f"{path}.type", _VISIT_TYPES, "visit type")
    referral = _choice(_field(data, "referral", path), f"{path}.referral", _REFERRALS, "referral")
    discharged = day(_field(data, "discharged", path), f"{path}.discharged")
    admitted = day(_field(data, "admitted", path, data.get("discharged")), f"{path}.admitted")
    if discharged < admitted:
        raise _fail(f"{path}.discharged", f"{discharged} is before admitted {admitted}")
    if discharged.year != year:
        raise _fail(f"{path}.discharged", f"{discharged} is not in year {year}")
    cost = money(_field(data, "policy_scope_cost", path), f"{path}.policy_scope_cost")
    basic = money(_field(data, "basic_insurance_paid", path, "0.00"), f"{path}.basic_insurance_paid")
    if basic > cost:
        raise _fail(f"{path}.basic_insurance_paid", f"{basic} is above policy_scope_cost {cost}")
    critical_illness = data.get("critical_illness_paid", _MISSING)
    if critical_illness is not _MISSING:
        critical_illness = money(_field(data, "critical_illness_paid", path), f"{path}.critical_illness_paid")
        if critical_illness > cost - basic:
            raise _fail(
                f"{path}.critical_illness_paid",
                f"{critical_illness} is above policy_scope_cost minus basic_insurance_paid {cost - basic}",
            )
    supplementary = money(_field(data, "supplementary_paid", path, "0.00"), f"{path}.supplementary_paid")
    left = cost - basic - (ZERO if critical_illness is _MISSING else critical_illness)
    if supplementary > left:
        raise _fail(
            f"{path}.supplementary_paid",
            f"{supplementary} is above policy_scope_cost minus basic_insurance_paid"
            f"{'' if critical_illness is _MISSING else ' minus critical_illness_paid'} {left}",
        )
    scheme = _choice(
        _field(data, "insurance_scheme", path, InsuranceScheme.RESIDENT.value),
        f"{path}.insurance_scheme",
        _SCHEMES,
        "insurance scheme",
    )
    settled_on = data.get("settled_on", _MISSING)
    if settled_on is not _MISSING:
        settled_on = day(_field(data, "settled_on", path), f"{path}.settled_on")
        if settled_on.year != year or settled_on < discharged:
            raise _fail(f"{path}.settled_on", f"{settled_on} is not in year {year} on or after discharge")
    return Visit(
        id=visit_id,
        type=visit_type,
        admitted=admitted,
        discharged=discharged,
        referral=referral,
        policy_scope_cost=cost,
        basic_insurance_paid=basic,
        in_province=flag(_field(data, "in_province", path, True), f"{path}.in_province"),
        in_city=flag(_field(data, "in_city", path, True), f"{path}.in_city"),
        offsite_filed=flag(_field(data, "offsite_filed", path, False), f"{path}.offsite_filed"),
        critical_illness_paid=None if critical_illness is _MISSING else critical_illness,
        other_insurance_paid=money(
            _field(data, "other_insurance_paid", path, "0.00"), f"{path}.other_insurance_paid"
        ),
        settled_on=None if settled_on is _MISSING else settled_on,
        supplementary_paid=supplementary,
        insurance_scheme=scheme,
    )


def _household_member(value: Any, path: str) -> HouseholdMember:
    data = _object(value, path)
    return HouseholdMember(
        policy_scope_burden=money(_field(data, "policy_scope_burden", path), f"{path}.policy_scope_burden"),
        commercial_insurance_paid=money(
            _field(data, "commercial_insurance_paid", path, "0.00"), f"{path}.commercial_insurance_paid"
        ),
        other_assistance_paid=money(
            _field(data, "other_assistance_paid", path, "0.00"), f"{path}.other_assistance_paid"
        ),
    )


def _application(
    jurisdiction: str, value: Any, path: str, year: int, visit_ids: set[str]
) -> BeijingHouseholdApplication | TianjinApplicationRequest:
    data = _object(value, path)
    application_id = text(_field(data, "id", path), f"{path}.id")
    kind = _field(data, "kind", path)
    if kind is None or kind != registry.get(jurisdiction).application_kind:
        raise _fail(f"{path}.kind", f"{_shown(kind)} is not an application kind of {jurisdiction}")
    application_date = day(_field(data, "date", path), f"{path}.date")
    if application_date.year != year:
        raise _fail(f"{path}.date", f"{application_date} is not in year {year}")
    if kind == BEIJING_HOUSEHOLD_KIND:
        members = _list(_field(data, "household", path), f"{path}.household")
        return BeijingHouseholdApplication(
            id=application_id,
            date=application_date,
            cost_year=integer(_field(data, "cost_year", path), f"{path}.cost_year"),
            household=tuple(_household_member(m, f"{path}.household[{i}]") for i, m in enumerate(members)),
        )
    covers = _list(_field(data, "covers_visits", path), f"{path}.covers_visits")
    for index, visit_id in enumerate(covers):
        if not isinstance(visit_id, str) or visit_id not in visit_ids:
            raise _fail(
                f"{path}.covers_visits[{index}]", f"{_shown(visit_id)} is not a visit id of the scenario"
            )
    return TianjinApplicationRequest(id=application_id, date=application_date, covers_visits=tuple(covers))


def _unique_ids(
    items: tuple[Visit, ...] | tuple[BeijingHouseholdApplication | TianjinApplicationRequest, ...], path: str
) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            raise _fail(f"{path}[{index}].id", f'duplicate id "{item.id}"')
        seen.add(item.id)


def load_document(raw: str) -> Any:
    """Decode scenario JSON (numbers as Decimal, never float). A worked example (``title``, ``scenario``,
    ``expected``) gives its ``scenario``, so the files of ``examples/`` can be run as they are."""
    try:
        document = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    if isinstance(document, dict) and "jurisdiction" not in document and "scenario" in document:
        return document["scenario"]
    return document


def parse_scenario(document: Any) -> Scenario:
    """Validate a decoded scenario document (SCENARIOS ``Input``, Clarifications 2, 3, 21)."""
    data = _object(document, "scenario")
    jurisdiction = _choice(_field(data, "jurisdiction", ""), "jurisdiction", registry.codes(), "jurisdiction")
    year = integer(_field(data, "year", ""), "year")
    parameters = parse_parameters(jurisdiction, _field(data, "parameters", "", {}))
    try:
        policy = compile_policy(jurisdiction, year, parameters)
    except PolicyInputError as error:
        raise ScenarioError(str(error)) from error
    certifications = tuple(
        _certification(policy, item, f"certifications[{index}]")
        for index, item in enumerate(_list(_field(data, "certifications", "", []), "certifications"))
    )
    visits = tuple(
        _visit(item, f"visits[{index}]", year)
        for index, item in enumerate(_list(_field(data, "visits", "", []), "visits"))
    )
    _unique_ids(visits, "visits")
    visit_ids = {visit.id for visit in visits}
    applications = tuple(
        _application(jurisdiction, item, f"applications[{index}]", year, visit_ids)
        for index, item in enumerate(_list(_field(data, "applications", "", []), "applications"))
    )
    _unique_ids(applications, "applications")
    return Scenario(jurisdiction, year, parameters, certifications, visits, applications)
