"""Hospital clearing: the statement's figures, its states, separation of duties, frozen cleared months and
adjustments into the next month."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DomainError
from finance import clearing
from finance.errors import ClearingError
from finance.models import FundSpending, LineKind, PlatformTotal, StatementState
from settlements import services as settlement_services

pytestmark = pytest.mark.django_db
MARCH, APRIL = dt.date(2023, 3, 1), dt.date(2023, 4, 1)


def platform_matches(statement, by):
    """The platform's total as the statement's own month shows it."""
    current = [
        line
        for line in statement.lines.all()
        if line.kind == LineKind.CURRENT and line.assistance_advanced > 0
    ]
    PlatformTotal.objects.update_or_create(
        hospital=statement.hospital,
        month=statement.month,
        defaults={
            "record_count": len(current),
            "assistance_total": sum((line.assistance_advanced for line in current), Decimal("0.00")),
            "file_name": "t.csv",
            "imported_by": by,
        },
    )


def cleared(statement, *, maker, checker, approver):
    platform_matches(statement, maker)
    clearing.check_statement(statement=statement, by=checker)
    return clearing.approve_statement(statement=statement, by=approver).statement


def test_statement_lists_the_months_one_stop_settlements_with_differences(settle, hospital, maker):
    exact = settle(dt.date(2023, 3, 10))
    short = settle(dt.date(2023, 3, 20), advanced="100.00")
    settle(dt.date(2023, 4, 2))  # next month
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    lines = {line.settlement_id: line for line in statement.lines.all()}
    assert set(lines) == {exact.pk, short.pk}
    assert lines[exact.pk].difference == 0
    assert lines[short.pk].difference == short.assistance - Decimal("100.00")
    assert lines[short.pk].to_repay == Decimal("100.00")  # the hospital gets back what it advanced
    assert statement.record_count == 2
    assert statement.assistance_computed == exact.assistance + short.assistance
    assert statement.to_repay == exact.assistance + Decimal("100.00")
    assert statement.difference == statement.assistance_computed - statement.assistance_advanced


def test_overpaid_advance_is_repaid_only_up_to_what_was_computed(settle, hospital, maker):
    settlement = settle(dt.date(2023, 3, 10), advanced="99999.00")
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    line = statement.lines.get()
    assert line.to_repay == settlement.assistance
    assert line.difference == settlement.assistance - Decimal("99999.00")


def test_month_not_ended_cannot_be_cleared(hospital, maker):
    with pytest.raises(DomainError) as refused:
        clearing.build_statement(hospital=hospital, month=dt.date.today(), by=maker)
    assert refused.value.code == ClearingError.MONTH_NOT_ENDED


def test_walk_through_every_state_writes_spending(settle, hospital, maker, checker, approver, budget):
    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    statement = cleared(statement, maker=maker, checker=checker, approver=approver)
    assert statement.state == StatementState.APPROVED
    statement = clearing.pay_statement(
        statement=statement, by=maker, reference="ZF-001", payment_date=dt.date.today()
    )
    spending = FundSpending.objects.get()
    assert (spending.fund, spending.region_id, spending.amount) == (
        "medical_assistance",
        "5107",
        statement.to_repay,
    )
    statement = clearing.reconcile_statement(statement=statement, by=checker)
    assert statement.state == StatementState.RECONCILED
    assert [e.action for e in statement.events.all()] == [
        "built",
        "checked",
        "approved",
        "paid",
        "reconciled",
    ]


def test_separation_of_duties(settle, hospital, maker, checker, approver, manager, budget):
    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    with pytest.raises(DomainError) as refused:
        clearing.check_statement(statement=statement, by=maker)
    assert refused.value.code == ClearingError.MAKER_CANNOT_CHECK
    with pytest.raises(DomainError) as refused:
        clearing.check_statement(statement=statement, by=approver)  # a manager does not check
    assert refused.value.code == ClearingError.NOT_ALLOWED
    platform_matches(statement, maker)
    clearing.check_statement(statement=statement, by=checker)
    with pytest.raises(DomainError) as refused:
        clearing.approve_statement(statement=statement, by=checker)
    assert refused.value.code == ClearingError.NOT_ALLOWED
    clearing.approve_statement(statement=statement, by=approver)
    with pytest.raises(DomainError) as refused:
        clearing.pay_statement(statement=statement, by=approver, reference="X", payment_date=dt.date.today())
    assert refused.value.code == ClearingError.NOT_ALLOWED
    clearing.pay_statement(statement=statement, by=checker, reference="ZF-2", payment_date=dt.date.today())
    with pytest.raises(DomainError) as refused:
        clearing.reconcile_statement(statement=statement, by=checker)
    assert refused.value.code == ClearingError.PAYER_CANNOT_RECONCILE
    clearing.reconcile_statement(statement=statement, by=manager)


def test_a_manager_who_made_nothing_approves_but_the_checker_never(
    settle, hospital, maker, checker, make_staff, budget
):
    # Even with the manager role, the checker of a statement cannot approve it.
    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    platform_matches(statement, maker)
    clearing.check_statement(statement=statement, by=checker)
    checker.role = "manager"
    checker.save()
    with pytest.raises(DomainError) as refused:
        clearing.approve_statement(statement=statement, by=checker)
    assert refused.value.code == ClearingError.SAME_PERSON_APPROVES


def test_cleared_month_never_changes_and_later_records_go_to_the_next_month(
    settle, hospital, maker, checker, approver, reviewer, budget
):
    first = settle(dt.date(2023, 3, 10))
    settle(dt.date(2023, 3, 12))
    march = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    march = cleared(march, maker=maker, checker=checker, approver=approver)
    frozen = list(march.lines.values_list("settlement_id", "to_repay", "assistance_computed"))
    totals = (march.record_count, march.to_repay)

    late = settle(dt.date(2023, 3, 25))  # settled after March was cleared
    settlement_services.reverse_settlement(settlement=first, by=reviewer, reason="医院退费")
    april_record = settle(dt.date(2023, 4, 5))

    with pytest.raises(DomainError) as refused:
        clearing.refresh_statement(statement=march, by=maker)
    assert refused.value.code == ClearingError.WRONG_STATE
    march.refresh_from_db()
    assert list(march.lines.values_list("settlement_id", "to_repay", "assistance_computed")) == frozen
    assert (march.record_count, march.to_repay) == totals

    april = clearing.build_statement(hospital=hospital, month=APRIL, by=maker)
    kinds = {line.settlement_id: (line.kind, line.to_repay) for line in april.lines.all()}
    assert kinds == {
        april_record.pk: (LineKind.CURRENT, april_record.assistance),
        late.pk: (LineKind.LATE, late.assistance),
        first.pk: (LineKind.REVERSAL, -first.assistance),
    }
    assert april.to_repay == april_record.assistance + late.assistance - first.assistance


def test_records_wait_while_their_month_is_only_checked(settle, hospital, maker, checker):
    settle(dt.date(2023, 3, 10))
    march = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    clearing.check_statement(statement=march, by=checker)
    late = settle(dt.date(2023, 3, 25))
    april = clearing.build_statement(hospital=hospital, month=APRIL, by=maker)
    assert not april.lines.filter(settlement=late).exists()
    clearing.return_statement(statement=march, by=checker, reason="补充三月结算")
    march = clearing.refresh_statement(statement=march, by=maker)
    assert march.lines.filter(settlement=late, kind=LineKind.CURRENT).exists()


def test_statement_totals_match_the_settlements_to_the_cent(settle, hospital, maker):
    """Sums the settlements independently of the statement code (the cent, over many odd amounts)."""
    scopes = ["12345.67", "8000.01", "30999.99", "4567.89", "15000.05", "22222.22", "9999.99"]
    advances = [None, "123.45", None, "0.01", None, "5000.00", None]
    made = [
        settle(dt.date(2023, 3, 1 + i * 3), scope=scope, advanced=advance)
        for i, (scope, advance) in enumerate(zip(scopes, advances, strict=True))
    ]
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    computed = sum(s.assistance for s in made)
    advanced = sum(s.assistance_paid_at_hospital for s in made)
    repay = sum(
        min(
            s.assistance_paid_at_hospital,
            s.assistance,
        )
        for s in made
    )
    scope_total = sum(s.policy_scope_cost for s in made)
    assert statement.assistance_computed == computed
    assert statement.assistance_advanced == advanced
    assert statement.difference == computed - advanced
    assert statement.to_repay == repay
    assert statement.policy_scope_cost == scope_total
    assert statement.record_count == len(made)
