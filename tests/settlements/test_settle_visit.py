"""Database settlement: tiers stored, caps across visits, one settlement per visit, reversal, ordering.

Expected figures are worked by hand from RULES.md 3 (Mianyang 2023, income 33000.00): a dibao person's
大病保险 threshold is 25% of income (8250.00) at 65%; regular assistance has no deductible and pays 70%;
the tilt pays 50% above 7000.00 of the annual residual.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import DomainError
from monitoring.models import PersonYearTotal
from settlements.errors import SettlementError
from settlements.locks import BASE_COUNTERS
from settlements.models import LedgerEntry, Settlement
from settlements.services import preview_settlement, reverse_settlement, settle_visit

D = Decimal


def ledger(claimant, year=2023) -> dict[str, Decimal]:
    return {e.counter: e.amount for e in LedgerEntry.objects.filter(claimant=claimant, year=year) if e.amount}


@pytest.mark.django_db
def test_settlement_stores_every_tier_category_version_and_explanation(
    mianyang_2023, certified, visit_factory, reviewer
):
    claimant = certified("dibao")
    visit = visit_factory(claimant=claimant, policy_scope_cost=D("10000.00"))

    settlement = settle_visit(visit=visit, by=reviewer)

    settlement.refresh_from_db()
    # 大病: (10000 − 8250) × 65% = 1137.50; assistance: (10000 − 1137.50) × 70% = 6203.75
    assert settlement.critical_illness_insurance == D("1137.50")
    assert settlement.tier("medical_assistance") == D("6203.75")
    assert settlement.tier("tilted_assistance") == D(
        "0.00"
    )  # residual 2658.75 is below the 7000.00 threshold
    assert settlement.personal_burden == D("2658.75")
    assert settlement.category == "dibao"
    assert settlement.reason == ""
    assert settlement.policy_year == mianyang_2023
    assert settlement.policy_version == mianyang_2023.version
    assert settlement.settled_by == reviewer
    assert any("6203.75" in line["zh"] for line in settlement.explanation)
    assert all(line["en"] for line in settlement.explanation)
    assert ledger(claimant)["inpatient_paid"] == D("6203.75")
    assert ledger(claimant)["tilt_base"] == D("2658.75")


@pytest.mark.django_db
def test_annual_cap_holds_across_visits(policy_year_factory, certified, visit_factory, reviewer):
    policy_year_factory(jurisdiction="mianyang", year=2023, assistance_annual_cap=D("10000.00"))
    claimant = certified("destitute")  # 100% of the base, no deductible
    kwargs = {
        "claimant": claimant,
        "policy_scope_cost": D("10000.00"),
        "basic_insurance_paid": D("2000.00"),
        "critical_illness_paid": D("1000.00"),
    }
    first = settle_visit(visit=visit_factory(discharged=dt.date(2023, 3, 22), **kwargs), by=reviewer)
    second = settle_visit(
        visit=visit_factory(admitted=dt.date(2023, 5, 1), discharged=dt.date(2023, 5, 9), **kwargs),
        by=reviewer,
    )

    assert first.tier("medical_assistance") == D("7000.00")
    assert second.tier("medical_assistance") == D("3000.00")  # what is left of the 10000.00 cap
    assert second.reason == "cap_reached"
    assert ledger(claimant)["inpatient_paid"] == D("10000.00")


@pytest.mark.django_db
def test_second_settlement_of_same_visit_is_refused(mianyang_2023, certified, visit_factory, reviewer):
    visit = visit_factory(claimant=certified())
    settle_visit(visit=visit, by=reviewer)
    before = ledger(visit.claimant)

    with pytest.raises(DomainError) as excinfo:
        settle_visit(visit=visit, by=reviewer)

    assert excinfo.value.code == SettlementError.ALREADY_SETTLED
    assert Settlement.objects.filter(visit=visit).count() == 1
    assert ledger(visit.claimant) == before


@pytest.mark.django_db
def test_reversal_restores_ledger_and_the_visit_can_be_settled_again(
    mianyang_2023, certified, visit_factory, reviewer
):
    claimant = certified()
    earlier = settle_visit(
        visit=visit_factory(claimant=claimant, admitted=dt.date(2023, 1, 20), discharged=dt.date(2023, 2, 1)),
        by=reviewer,
    )
    before = ledger(claimant)
    visit = visit_factory(claimant=claimant, admitted=dt.date(2023, 4, 1), discharged=dt.date(2023, 4, 5))
    settlement = settle_visit(visit=visit, by=reviewer)
    assert ledger(claimant) != before

    reversed_ = reverse_settlement(settlement=settlement, by=reviewer, reason="医院退费重新结算")

    assert ledger(claimant) == before
    assert reversed_.reversed_by == reviewer
    assert reversed_.reversal_reason == "医院退费重新结算"
    assert reversed_.reversed_at is not None
    again = settle_visit(visit=visit, by=reviewer)
    assert again.pk != settlement.pk
    assert again.tier("medical_assistance") == settlement.tier("medical_assistance")
    assert Settlement.objects.filter(visit=visit).count() == 2  # the reversed one is kept
    assert earlier.reversed_at is None


@pytest.mark.django_db
def test_reversal_needs_a_reason_and_happens_once(mianyang_2023, certified, visit_factory, reviewer):
    settlement = settle_visit(visit=visit_factory(claimant=certified()), by=reviewer)

    with pytest.raises(DomainError) as excinfo:
        reverse_settlement(settlement=settlement, by=reviewer, reason="  ")
    assert excinfo.value.code == SettlementError.REASON_REQUIRED

    reverse_settlement(settlement=settlement, by=reviewer, reason="录入错误")
    with pytest.raises(DomainError) as excinfo:
        reverse_settlement(settlement=settlement, by=reviewer, reason="录入错误")
    assert excinfo.value.code == SettlementError.ALREADY_REVERSED


@pytest.mark.django_db
def test_preview_shows_what_settlement_stores_and_writes_nothing(
    mianyang_2023, certified, visit_factory, reviewer
):
    visit = visit_factory(
        claimant=certified("marginal"), total_cost=D("32000.00"), policy_scope_cost=D("30000.00")
    )

    preview = preview_settlement(visit=visit)

    assert not Settlement.objects.exists()
    assert not LedgerEntry.objects.exists()
    settlement = settle_visit(visit=visit, by=reviewer)
    assert preview.result.tier("medical_assistance") == settlement.tier("medical_assistance")
    assert preview.result.critical_illness_insurance == settlement.critical_illness_insurance
    assert preview.result.personal_burden == settlement.personal_burden
    with pytest.raises(DomainError) as excinfo:
        preview_settlement(visit=visit)
    assert excinfo.value.code == SettlementError.ALREADY_SETTLED


@pytest.mark.django_db
def test_visit_discharged_before_a_settled_one_is_settled_and_flagged(
    mianyang_2023, certified, visit_factory, reviewer
):
    claimant = certified()
    later = visit_factory(claimant=claimant, admitted=dt.date(2023, 6, 1), discharged=dt.date(2023, 6, 10))
    earlier = visit_factory(claimant=claimant, admitted=dt.date(2023, 3, 1), discharged=dt.date(2023, 3, 5))
    assert settle_visit(visit=later, by=reviewer).out_of_order is False

    assert settle_visit(visit=earlier, by=reviewer).out_of_order is True


@pytest.mark.django_db
def test_visit_without_identity_gets_no_assistance_but_is_settled(
    mianyang_2023, claimant_factory, visit_factory
):
    settlement = settle_visit(visit=visit_factory(claimant=claimant_factory()), by=None)

    assert settlement.reason == "no_category"
    assert settlement.category == ""
    assert settlement.assistance == D("0.00")


@pytest.mark.django_db
def test_settled_on_counts_identities_certified_up_to_the_application_date(
    mianyang_2023, claimant_factory, certification_factory, visit_factory, reviewer
):
    # Mianyang A-MY8: same-year costs before certification are paid through a written application.
    claimant = claimant_factory()
    certification_factory(claimant=claimant, category="dibao", valid_from=dt.date(2023, 5, 1))
    visit = visit_factory(claimant=claimant, discharged=dt.date(2023, 3, 22))

    assert preview_settlement(visit=visit).result.reason == "no_category"
    settlement = settle_visit(visit=visit, by=reviewer, settled_on=dt.date(2023, 6, 1))

    assert settlement.category == "dibao"
    assert settlement.tier("medical_assistance") > 0
    assert settlement.settled_on == dt.date(2023, 6, 1)


@pytest.mark.django_db
def test_settled_on_before_discharge_is_refused(mianyang_2023, certified, visit_factory, reviewer):
    visit = visit_factory(claimant=certified())

    with pytest.raises(DomainError) as excinfo:
        settle_visit(visit=visit, by=reviewer, settled_on=dt.date(2023, 1, 2))

    assert excinfo.value.code == SettlementError.SETTLED_ON_INVALID
    assert not Settlement.objects.exists()


@pytest.mark.django_db
def test_category_of_another_jurisdiction_is_refused_and_nothing_is_stored(
    mianyang_2023, claimant_factory, certification_factory, visit_factory, reviewer
):
    claimant = claimant_factory()
    certification_factory(claimant=claimant, category="beijing_low_income", jurisdiction="mianyang")
    visit = visit_factory(claimant=claimant)

    with pytest.raises(DomainError) as excinfo:
        settle_visit(visit=visit, by=reviewer)

    assert excinfo.value.code == SettlementError.UNKNOWN_CATEGORY
    assert not Settlement.objects.exists()
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_revoked_certification_is_not_used(
    mianyang_2023, claimant_factory, certification_factory, visit_factory
):
    claimant = claimant_factory()
    certification_factory(claimant=claimant, category="dibao", status="revoked")

    assert settle_visit(visit=visit_factory(claimant=claimant), by=None).reason == "no_category"


@pytest.mark.django_db
def test_a_settlement_takes_a_fixed_handful_of_statements(
    mianyang_2023, certified, visit_factory, django_assert_num_queries
):
    """PostgreSQL: the savepoint pair of the service's transaction, the ledger lock, the read of the context
    with the ledger rows, and one INSERT that also stores the tier rows, the counters (and the counters of
    Mianyang's 倾斜救助, created on first use), the computed 大病 copied onto a visit that gave none with the
    visit's history records, and the followers' writes: the person's year total (``monitoring.totals``) and
    the roll-ups. Creating the ledger rows of a person's year adds one. Elsewhere each of those writes is a
    statement of its own and the roll-ups are four."""
    claimant = certified("dibao")
    first = visit_factory(claimant=claimant, discharged=dt.date(2023, 3, 22), critical_illness_paid=None)
    second = visit_factory(
        claimant=claimant, discharged=dt.date(2023, 4, 22), critical_illness_paid=Decimal(0)
    )
    postgresql = connection.vendor == "postgresql"
    with django_assert_num_queries(6 if postgresql else 16):
        settle_visit(visit=first, by=None)
    with django_assert_num_queries(5 if postgresql else 10):
        settlement = settle_visit(visit=second, by=None)
    assert settlement.tier("medical_assistance") > 0


@pytest.mark.django_db
def test_a_settlement_of_a_visit_without_critical_illness_stores_what_it_computed_everywhere(
    mianyang_2023, certified, visit_factory, reviewer
):
    visit = visit_factory(
        claimant=certified("dibao"),
        discharged=dt.date(2023, 3, 22),
        total_cost=Decimal("45000.00"),
        policy_scope_cost=Decimal("40000.00"),
        basic_insurance_paid=Decimal("22000.00"),
        critical_illness_paid=None,
    )

    settlement = settle_visit(visit=visit, by=reviewer)

    computed = settlement.critical_illness_insurance
    assert computed > 0
    visit.refresh_from_db()
    assert visit.critical_illness_settled == computed
    assert [
        (r.history_type, r.critical_illness_settled, r.history_user, r.history_change_reason)
        for r in visit.history.order_by("history_date", "history_id")
    ] == [("+", None, None, ""), ("~", computed, reviewer, "结算")]
    total = PersonYearTotal.objects.get(claimant=visit.claimant, year=2023)
    assert total.self_pay == Decimal("40000.00") - Decimal("22000.00") - computed
    ledger = dict(
        LedgerEntry.objects.filter(claimant=visit.claimant, year=2023).values_list("counter", "amount")
    )
    assert ledger == {
        **dict.fromkeys(BASE_COUNTERS, Decimal("0.00")),
        **{name: Decimal(delta) for name, delta in settlement.deltas.items()},
    }
    assert list(settlement.tiers.order_by("position").values_list("code", "amount")) == [
        (code, amount) for _position, code, _name, amount, _fund in settlement.new_tiers
    ]
