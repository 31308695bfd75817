"""The finance demo: a month ready to clear at the Mianyang hospitals, and a budget near its limit."""

import datetime as dt

import pytest
from django.utils import timezone

from claimants import demo as claimants_demo
from finance import clearing, demo, selectors
from finance.models import PlatformTotal
from finance.reconciliation import mismatches
from settlements import demo as settlements_demo

pytestmark = pytest.mark.django_db


def test_demo_month_is_ready_to_clear_and_a_budget_is_near_its_limit():
    claimants_demo.create_staff()
    claimants_demo.create_claimants(per_city=60)
    settlements_demo.create_policy_years()
    settlements_demo.create_hospitals()
    result = demo.seed()
    assert result["settled"] > 0
    maker = demo.User.objects.get(username="my_finance")
    month = clearing.month_start(clearing.month_start(timezone.localdate()) - dt.timedelta(days=1))
    hospitals = selectors.hospitals_to_clear(user=maker, month=month)
    assert len(hospitals) >= 2
    statements = [clearing.build_statement(hospital=h, month=month, by=maker) for h in hospitals]
    assert sum(1 for s in statements if not mismatches(s)) >= 1  # matches the platform's total
    assert any(mismatches(s) for s in statements)  # one hospital's total differs
    assert PlatformTotal.objects.filter(month=month).count() == len(hospitals)
    report = selectors.fund_report(
        user=demo.User.objects.get(username="my_manager"), month=timezone.localdate().replace(day=1)
    )
    assert any(row.near_limit for row in report)
    assert demo.seed()["settled"] == 0  # idempotent
