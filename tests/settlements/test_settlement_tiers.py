"""A settlement's tiers are rows: one per tier of its jurisdiction, in its order, written with it.

Figures (Mianyang 2023, income 33000.00, a dibao person, cost 60000.00 with nothing from basic insurance):
大病 (60000 − 8250) × 65% = 33637.50; base 26362.50; regular assistance 70% = 18453.75; residual 7908.75;
倾斜救助 (7908.75 − 7000.00) × 50% = 454.375 → 454.38; burden 7454.37.
"""

import datetime as dt
from decimal import Decimal

import pytest

from settlements.models import SettlementTier
from settlements.services import reverse_settlement, settle_visit, settle_visits

D = Decimal
MIANYANG = [("medical_assistance", "医疗救助", D("18453.75")), ("tilted_assistance", "倾斜救助", D("454.38"))]


def stored(settlement) -> list[tuple[str, str, Decimal]]:
    return [(t.code, t.name, t.amount) for t in SettlementTier.objects.filter(settlement=settlement)]


@pytest.mark.django_db
def test_a_settlement_stores_each_tier_of_its_jurisdiction_as_a_row_in_order(
    mianyang_2023, certified, visit_factory, reviewer
):
    visit = visit_factory(
        claimant=certified("dibao"), policy_scope_cost=D("60000.00"), total_cost=D("60000.00")
    )

    settlement = settle_visit(visit=visit, by=reviewer)

    assert stored(settlement) == MIANYANG
    assert [t.position for t in settlement.tier_rows()] == [0, 1]
    assert {t.fund for t in SettlementTier.objects.filter(settlement=settlement)} == {"medical_assistance"}
    settlement.refresh_from_db()
    assert settlement.assistance == D("18908.13")
    assert settlement.personal_burden == D("7454.37")
    assert (settlement.tier("tilted_assistance"), settlement.tier("major_illness_assistance")) == (
        D("454.38"),
        D("0.00"),
    )


@pytest.mark.django_db
def test_a_visit_paid_nothing_still_lists_its_tiers_at_zero(mianyang_2023, claimant_factory, visit_factory):
    settlement = settle_visit(visit=visit_factory(claimant=claimant_factory()), by=None)

    assert settlement.reason == "no_category"
    assert stored(settlement) == [
        ("medical_assistance", "医疗救助", D("0.00")),
        ("tilted_assistance", "倾斜救助", D("0.00")),
    ]
    assert settlement.assistance == D("0.00")


@pytest.mark.django_db
def test_a_batch_writes_the_tier_rows_of_every_settlement(mianyang_2023, certified, visit_factory):
    claimant = certified("dibao")
    visits = [
        visit_factory(
            claimant=claimant,
            policy_scope_cost=D("60000.00"),
            total_cost=D("60000.00"),
            admitted=dt.date(2023, month, 1),
            discharged=dt.date(2023, month, 10),
        )
        for month in (3, 5)
    ]
    other = visit_factory(
        claimant=certified("dibao"), policy_scope_cost=D("60000.00"), total_cost=D("60000.00")
    )

    outcome = settle_visits(visits=[*visits, other], by=None, chunk_size=2)

    assert not outcome.refusals
    first, second, third = sorted(outcome.settlements, key=lambda s: s.visit_id)
    assert stored(first) == MIANYANG
    assert stored(third) == MIANYANG
    # The second visit of the year: both thresholds passed. 大病 60000 × 65% = 39000.00; regular 21000 × 70%
    # = 14700.00; the 倾斜救助 threshold passed, half the residual 6300.00 is paid.
    assert stored(second) == [
        ("medical_assistance", "医疗救助", D("14700.00")),
        ("tilted_assistance", "倾斜救助", D("3150.00")),
    ]
    for settlement in outcome.settlements:
        settlement.refresh_from_db()
        rows = SettlementTier.objects.filter(settlement=settlement)
        assert settlement.assistance == sum(t.amount for t in rows)


@pytest.mark.django_db
def test_a_reversal_keeps_the_tier_rows(mianyang_2023, certified, visit_factory, reviewer):
    visit = visit_factory(
        claimant=certified("dibao"), policy_scope_cost=D("60000.00"), total_cost=D("60000.00")
    )
    settlement = settle_visit(visit=visit, by=reviewer)

    reverse_settlement(settlement=settlement, by=reviewer, reason="医院撤回")

    assert stored(settlement) == MIANYANG
