"""The per-tier settlement columns became tier rows (0015) and were then dropped (0018): every settlement
keeps its tier rows and total across both, and undoing 0018 fills the columns back from the rows."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from settlements.services import settle_visit

D = Decimal
BEFORE = [("settlements", "0017_visit_and_settlement_history")]
AFTER = [("settlements", "0018_settlement_tier_columns_dropped")]
CODES = ("medical_assistance", "tilted_assistance", "major_illness_assistance")


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def _tiers(apps) -> dict[int, tuple[Decimal, dict[str, Decimal]]]:
    """Each settlement's total and its tier rows (code -> amount)."""
    tiers: dict[int, dict[str, Decimal]] = {}
    for tier in apps.get_model("settlements", "SettlementTier").objects.all():
        tiers.setdefault(tier.settlement_id, {})[tier.code] = tier.amount
    return {
        s.pk: (s.assistance, tiers.get(s.pk, {}))
        for s in apps.get_model("settlements", "Settlement").objects.all()
    }


@pytest.mark.django_db(transaction=True)
def test_settlements_keep_their_tier_rows_and_totals_across_the_column_removal(
    mianyang_2023, certified, visit_factory
):
    made = []
    for cost in ("60000.00", "9000.00", "500.00"):
        visit = visit_factory(claimant=certified("dibao"), policy_scope_cost=D(cost), total_cost=D(cost))
        made.append(settle_visit(visit=visit, by=None))
    try:
        now = _tiers(_migrate(AFTER))
        assert now[made[0].pk] == (
            D("18908.13"),
            {"medical_assistance": D("18453.75"), "tilted_assistance": D("454.38")},
        )
        assert all(total == sum(amounts.values()) for total, amounts in now.values())

        old = _migrate(BEFORE)
        for settlement in old.get_model("settlements", "Settlement").objects.all():
            total, amounts = now[settlement.pk]
            columns = [getattr(settlement, code) for code in CODES]
            assert columns == [amounts.get(code, D("0.00")) for code in CODES]
            assert sum(columns) == total

        assert _tiers(_migrate(AFTER)) == now
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_fills_the_rows_of_earlier_settlements_from_their_columns(
    mianyang_2023, certified, visit_factory
):
    visit = visit_factory(
        claimant=certified("dibao"), policy_scope_cost=D("60000.00"), total_cost=D("60000.00")
    )
    settlement = settle_visit(visit=visit, by=None)
    migration = importlib.import_module("settlements.migrations.0015_settlement_tier_rows")
    try:
        old = _migrate(BEFORE)  # the columns, as before the tier rows
        old.get_model("settlements", "SettlementTier").objects.all().delete()
        old.get_model("settlements", "Settlement").objects.update(assistance=0)
        with connection.cursor() as cursor:
            for sql in (migration.TOTAL, migration.REGULAR, migration.TILTED, migration.MAJOR):
                cursor.execute(sql)

        assert _tiers(_migrate(AFTER))[settlement.pk] == (
            D("18908.13"),
            {"medical_assistance": D("18453.75"), "tilted_assistance": D("454.38")},
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
