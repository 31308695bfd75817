"""Two managers approving statements of one fund account at the same moment, on PostgreSQL with real
threads: the budget row lock makes one wait; it then counts the other's approval and is refused."""

import datetime as dt

import pytest
from django.utils import timezone

from finance import clearing, services
from finance.errors import BudgetError
from finance.models import Commitment, StatementState
from tests.applications.test_concurrency import race
from tests.conftest import require_postgresql
from tests.finance.test_clearing import MARCH, platform_matches

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_two_approvals_cannot_together_pass_the_budget(
    settle, hospital, hospital_factory, maker, checker, approver, make_staff
):
    require_postgresql()
    other = hospital_factory(code="H510703002", name="绵阳市中心医院")
    settle(dt.date(2023, 3, 10))
    settle(dt.date(2023, 3, 11), at=other)
    statements = []
    for where in (hospital, other):
        statement = clearing.build_statement(hospital=where, month=MARCH, by=maker)
        platform_matches(statement, maker)
        statements.append(clearing.check_statement(statement=statement, by=checker))
    one = statements[0].to_repay
    services.set_budget(
        fund="medical_assistance", region="5107", year=timezone.localdate().year, amount=one, by=approver
    )
    second_manager = make_staff("manager", "5107")
    outcomes = race(
        lambda: clearing.approve_statement(statement=statements[0], by=approver),
        lambda: clearing.approve_statement(statement=statements[1], by=second_manager),
    )
    refusals = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refusals) == 1
    assert refusals[0].code == BudgetError.OVER_BUDGET
    approved = [s for s in statements if type(s).objects.get(pk=s.pk).state == StatementState.APPROVED]
    assert len(approved) == 1
    assert Commitment.objects.get().amount == approved[0].to_repay
