"""The thin layer between database rows and the pure policy engine (``settlements.policy``).

Rows become the engine's frozen dataclasses; parameters are parsed by the engine's own scenario parser
and compiled by the engine, so a policy year is validated by exactly the rules that settle with it
(unknown names, malformed rates, national NAT-10/NAT-12 limits, a missing required parameter).
"""

import json
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from claimants.models import Certification
from settlements.models import LedgerEntry, PolicyYear, Visit
from settlements.policy import types as engine
from settlements.policy.engine import JURISDICTIONS, compile_policy
from settlements.policy.errors import PolicyInputError
from settlements.policy.rules import Policy
from settlements.policy.scenario import parse_parameters

KNOWN_JURISDICTIONS = frozenset(JURISDICTIONS)
_CAPS = ("assistance_annual_cap", "tilt_annual_cap")
_AMOUNTS = ("income_last_year", "tilt_threshold", "critical_illness_threshold")


def parameters_document(policy_year: PolicyYear) -> dict:
    """The policy year's values in the scenario contract's ``parameters`` shape (strings, null = no cap)."""
    document: dict = {name: _text(getattr(policy_year, name)) for name in _CAPS}
    for name in _AMOUNTS:
        value = getattr(policy_year, name)
        if value is not None:
            document[name] = _text(value)
    if policy_year.critical_illness_segments:
        document["critical_illness_segments"] = policy_year.critical_illness_segments
    for name in ("ratios", "deductible_rates"):
        if getattr(policy_year, name):
            document[name] = getattr(policy_year, name)
    if policy_year.other_special_as:
        document["other_special_as"] = policy_year.other_special_as
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
    if policy_year.jurisdiction not in KNOWN_JURISDICTIONS:
        raise PolicyInputError(f'jurisdiction: unknown jurisdiction "{policy_year.jurisdiction}"')
    policy_of(policy_year)


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
