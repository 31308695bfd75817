"""The budget a policy year carried moves to the finance app's budget of the city's fund account."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from finance.models import Budget

BEFORE = [("settlements", "0015_settlement_tier_rows"), ("finance", "0001_initial")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_a_citys_budget_moves_to_its_fund_account_and_a_district_pooled_one_stays_in_the_history(
    regions, user_factory
):
    user_factory(username="root", is_superuser=True)
    try:
        old = _migrate(BEFORE)
        years = old.get_model("settlements", "PolicyYear").objects
        for jurisdiction, budget in (("mianyang", "9000000.00"), ("beijing", "7777777.00")):
            years.create(
                jurisdiction=jurisdiction,
                year=2025,
                effective_from=dt.date(2025, 1, 1),
                income_last_year=Decimal("33000.00"),
                fund_budget=Decimal(budget),
            )

        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        budgets = new.get_model("finance", "Budget").objects
        assert list(budgets.values_list("fund", "region_id", "year", "amount")) == [
            ("medical_assistance", "5107", 2025, Decimal("9000000.00"))
        ]
        assert budgets.get().set_by.username == "root"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_dashboard_reads_the_budgets_of_the_regions_fund_accounts(regions, manager):
    from finance.selectors import budget_of_region

    for region, amount in (("5107", "2000000.00"), ("110101", "300000.00"), ("110102", "400000.00")):
        Budget.objects.create(
            fund="medical_assistance", region_id=region, year=2025, amount=amount, set_by=manager
        )
    assert budget_of_region(region_code="510703", year=2025) == Decimal("2000000.00")  # a county: the city's
    assert budget_of_region(region_code="11", year=2025) == Decimal("700000.00")  # Beijing: its districts'
    assert budget_of_region(region_code="110101", year=2025) == Decimal("300000.00")
    assert budget_of_region(region_code="5107", year=2024) is None
