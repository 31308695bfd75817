"""The budget check at approval: refused past 100% unless a manager gives a reason (stored, audited),
a warning from 90%, approved-but-unpaid amounts counted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from claimants.models import AuditLog
from core.errors import DomainError
from finance import clearing, services
from finance.errors import BudgetError, FundError
from finance.models import BudgetOverride, FundSpending
from tests.finance.test_clearing import MARCH, platform_matches

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def spend(amount, by):
    services.record_spending(
        fund="medical_assistance",
        region="5107",
        kind="hospital_repayment",
        amount=Decimal(amount),
        date=timezone.localdate(),
        reference="R",
        source=f"test:{amount}",
        by=by,
    )


def check(amount, by, **kwargs):
    return services.check_budget(
        fund="medical_assistance", region="5107", year=YEAR, amount=Decimal(amount), by=by, **kwargs
    )


def test_within_budget_passes_without_warning(budget, approver):
    result = check("100000.00", approver)
    assert not result.warning
    assert not result.overridden


def test_warning_from_ninety_percent(budget, approver, maker):
    spend("850000.00", maker)
    result = check("50000.00", approver)
    assert result.warning
    assert result.share == Decimal("0.9000")


def test_past_the_budget_is_refused(budget, approver, maker):
    spend("990000.00", maker)
    with pytest.raises(DomainError) as refused:
        check("10000.01", approver)
    assert refused.value.code == BudgetError.OVER_BUDGET
    assert "1,000,000.00" in refused.value.message


def test_manager_override_with_reason_is_stored_and_audited(budget, approver, maker):
    spend("990000.00", maker)
    result = check("20000.00", approver, override_reason="年底追加预算已批复")
    assert result.overridden
    assert result.warning
    override = BudgetOverride.objects.get()
    assert (override.reason, override.amount, override.used) == (
        "年底追加预算已批复",
        Decimal("20000.00"),
        Decimal("990000.00"),
    )
    assert AuditLog.objects.filter(action="budget_override", user=approver).exists()


def test_only_a_manager_may_override(budget, maker):
    spend("1000000.00", maker)
    with pytest.raises(DomainError) as refused:
        check("1.00", maker, override_reason="急需")
    assert refused.value.code == BudgetError.OVERRIDE_NOT_ALLOWED
    assert not BudgetOverride.objects.exists()


def test_no_budget_is_refused_unless_overridden(approver):
    with pytest.raises(DomainError) as refused:
        check("1.00", approver)
    assert refused.value.code == BudgetError.NO_BUDGET


def test_approved_unpaid_amounts_count_against_the_budget(settle, hospital, maker, checker, approver):
    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    platform_matches(statement, maker)
    clearing.check_statement(statement=statement, by=checker)
    services.set_budget(
        fund="medical_assistance", region="5107", year=YEAR, amount=statement.to_repay, by=approver
    )
    clearing.approve_statement(statement=statement, by=approver)
    assert not FundSpending.objects.exists()
    with pytest.raises(DomainError) as refused:
        check("0.01", approver)
    assert refused.value.code == BudgetError.OVER_BUDGET


def test_statement_approval_past_the_budget_is_refused_then_overridden(
    settle, hospital, maker, checker, approver
):
    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    platform_matches(statement, maker)
    clearing.check_statement(statement=statement, by=checker)
    services.set_budget(
        fund="medical_assistance", region="5107", year=YEAR, amount=Decimal("1.00"), by=approver
    )
    with pytest.raises(DomainError) as refused:
        clearing.approve_statement(statement=statement, by=approver)
    assert refused.value.code == BudgetError.OVER_BUDGET
    statement.refresh_from_db()
    assert statement.state == "checked"
    approval = clearing.approve_statement(
        statement=statement, by=approver, override_reason="医院垫付压力大，先行拨付"
    )
    assert approval.statement.state == "approved"
    assert approval.warnings
    assert statement.events.filter(action="approved", note="医院垫付压力大，先行拨付").exists()


def test_beijing_keeps_a_budget_per_district(make_staff):
    manager = make_staff("manager", "11")
    budget = services.set_budget(
        fund="medical_assistance", region="110101", year=YEAR, amount=Decimal("5.00"), by=manager
    )
    assert budget.region_id == "110101"
    with pytest.raises(DomainError) as refused:  # the city is not an account of Beijing's funds
        services.set_budget(
            fund="medical_assistance", region="11", year=YEAR, amount=Decimal("5.00"), by=manager
        )
    assert refused.value.code == FundError.NOT_AN_ACCOUNT


def test_tianjin_has_its_own_funds_and_mianyang_not(make_staff, approver):
    tianjin = make_staff("manager", "12")
    services.set_budget(fund="severe_disability", region="12", year=YEAR, amount=Decimal("5.00"), by=tianjin)
    services.set_budget(fund="special_care", region="12", year=YEAR, amount=Decimal("5.00"), by=tianjin)
    with pytest.raises(DomainError) as refused:
        services.set_budget(
            fund="special_care", region="5107", year=YEAR, amount=Decimal("5.00"), by=approver
        )
    assert refused.value.code == FundError.UNKNOWN_FUND


def test_income_is_booked_per_account(maker):
    income = services.record_income(
        fund="medical_assistance",
        region="5107",
        kind="donation",
        amount=Decimal("888.88"),
        date=timezone.localdate(),
        reference="JZ-1",
        by=maker,
    )
    assert (income.region_id, income.amount) == ("5107", Decimal("888.88"))
    with pytest.raises(DomainError) as refused:
        services.record_income(
            fund="medical_assistance",
            region="5107",
            kind="donation",
            amount=Decimal("0"),
            date=timezone.localdate(),
            reference="JZ-2",
            by=maker,
        )
    assert refused.value.code == FundError.AMOUNT_NOT_POSITIVE
