"""Every worked case (the shared public examples and this project's own) settled through the database
gives the figures the scenario contract gives: the services, the adapter and the engine agree.

Each case becomes a policy year (its parameters as the engine parses them), a person registered in a
township of the jurisdiction with the case's certifications, and its visits; the visits are settled one
by one with ``settle_visit``, in the case's order, and every expected visit figure is compared with the
stored settlement (the tiers, the burden, the category and the fund). Cases with written applications are
the application workflow's (tests/applications) and are left out here.
"""

import datetime as dt
from decimal import Decimal

import pytest

from claimants.models import Region
from settlements.models import PolicyYear, Visit
from settlements.policy.results import CONTRACT_TIERS
from settlements.policy.scenario import parse_parameters
from settlements.services import settle_visit
from tests.settlements.policy.support import OWN_CASES, SHARED_EXAMPLES, load_case

pytestmark = pytest.mark.django_db

CASES = sorted([*SHARED_EXAMPLES.glob("*.json"), *OWN_CASES.glob("*.json")], key=lambda p: p.name)
COMPARED = (
    "critical_illness_insurance",
    "medical_assistance",
    "tilted_assistance",
    "major_illness_assistance",
    "personal_burden",
    "category",
    "fund",
)
VISIT_FIELDS = (
    "in_province",
    "in_city",
    "offsite_filed",
    "referral",
    "insurance_scheme",
)
VISIT_MONEY = ("basic_insurance_paid", "critical_illness_paid", "other_insurance_paid", "supplementary_paid")


def _date(text):
    return dt.date.fromisoformat(text) if text else None


def _policy_year(scenario) -> PolicyYear:
    """The scenario's parameters stored as a policy year stores them: the income column, the rest in
    ``parameters`` (the scenario contract's shape is the stored one)."""
    document = dict(scenario.get("parameters", {}))
    parse_parameters(scenario["jurisdiction"], document)
    income = document.pop("income_last_year", None)
    return PolicyYear.objects.create(
        jurisdiction=scenario["jurisdiction"],
        year=scenario["year"],
        effective_from=dt.date(scenario["year"], 1, 1),
        income_last_year=Decimal(income) if income is not None else Decimal("0.00"),
        parameters=document,
    )


def _township(jurisdiction: str) -> Region | None:
    return (
        Region.objects.filter(jurisdiction=jurisdiction, level=Region.Level.TOWNSHIP).order_by("code").first()
    )


def _store(case, claimant_factory, certification_factory) -> dict[str, Visit]:
    scenario = case["scenario"]
    _policy_year(scenario)
    township = _township(scenario["jurisdiction"])
    if township is None:
        pytest.skip(f"no township of {scenario['jurisdiction']} in the test divisions")
    claimant = claimant_factory(hukou_region=township, insured_region=township)
    for certification in scenario.get("certifications", []):
        certification_factory(
            claimant=claimant,
            category=certification["category"],
            valid_from=_date(certification["valid_from"]),
            valid_to=_date(certification.get("valid_to")),
        )
    visits = {}
    for item in scenario["visits"]:
        scope = Decimal(item["policy_scope_cost"])
        fields = {name: item[name] for name in VISIT_FIELDS if name in item}
        fields |= {name: Decimal(item[name]) for name in VISIT_MONEY if item.get(name) is not None}
        visits[item["id"]] = Visit.objects.create(
            claimant=claimant,
            visit_type=item["type"],
            admitted=_date(item["admitted"]),
            discharged=_date(item["discharged"]),
            total_cost=scope,
            policy_scope_cost=scope,
            **fields,
        )
    return visits


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_a_worked_case_settled_through_the_database_gives_the_cases_figures(
    path, claimant_factory, certification_factory
):
    case = load_case(path)
    if case["scenario"].get("applications") or any(v.get("settled_on") for v in case["scenario"]["visits"]):
        pytest.skip("written applications are settled by the application workflow")
    visits = _store(case, claimant_factory, certification_factory)
    problems = []
    for visit_id, visit in visits.items():
        settlement = settle_visit(visit=visit, by=None)
        for field, want in case["expected"].get("visits", {}).get(visit_id, {}).items():
            if field not in COMPARED:
                continue
            have = settlement.tier(field) if field in CONTRACT_TIERS else getattr(settlement, field)
            if field in ("category", "fund"):
                have = have or None
            elif want is not None:
                want = Decimal(want)
            if have != want:
                problems.append(f"{visit_id} {field}: case {want}, database {have}")
    assert not problems, problems
