"""Every shared worked example and every case of ``cases/`` passes exactly (figures computed by hand)."""

from decimal import Decimal

import pytest

from tests.settlements.policy.support import (
    OWN_CASES,
    SHARED_EXAMPLES,
    VISIT_TIERS,
    load_case,
    mismatches,
    run_case,
)

SHARED = sorted(SHARED_EXAMPLES.glob("*.json"))
OWN = sorted(OWN_CASES.glob("*.json"))


def test_the_shared_examples_are_found():
    assert len(SHARED) >= 3, f"no worked examples in {SHARED_EXAMPLES}"


def test_there_are_at_least_forty_own_cases():
    assert len(OWN) >= 40


@pytest.mark.parametrize("path", SHARED, ids=lambda path: path.stem)
def test_shared_example_passes(path):
    case = load_case(path)
    assert mismatches(case, run_case(case)) == []


@pytest.mark.parametrize("path", OWN, ids=lambda path: path.stem)
def test_own_case_passes(path):
    case = load_case(path)
    assert case["title"]
    assert case["worked"], "a case shows its hand arithmetic"
    assert case["expected"].get("visits") or case["expected"].get("applications")
    assert mismatches(case, run_case(case)) == []


@pytest.mark.parametrize("path", SHARED + OWN, ids=lambda path: path.stem)
def test_payers_and_burden_add_up_to_the_cost_after_basic_insurance(path):
    """Tiers + supplementary insurance (Clarification 23) + burden = policy-scope cost - basic insurance."""
    case = load_case(path)
    output = run_case(case)
    visits = {visit["id"]: visit for visit in case["scenario"]["visits"]}
    for result in output["visits"]:
        visit = visits[result["id"]]
        base = Decimal(visit["policy_scope_cost"]) - Decimal(visit.get("basic_insurance_paid", "0.00"))
        paid = sum(Decimal(result[tier]) for tier in VISIT_TIERS) + Decimal(result["supplementary_paid"])
        assert paid + Decimal(result["personal_burden"]) == base
        assert all(Decimal(result[tier]) >= 0 for tier in VISIT_TIERS)
