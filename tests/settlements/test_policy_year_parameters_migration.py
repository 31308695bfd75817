"""Migration 0013 moves a policy year's city-specific columns into ``parameters``: every row and every history
row keeps its values, the settlement reads the same parameters, and the way back restores the columns."""

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

migration = import_module("settlements.migrations.0013_policy_year_parameters")

BEFORE = [("settlements", "0012_applications_moved_to_own_app")]
AFTER = [("settlements", "0013_policy_year_parameters")]

MIANYANG_COLUMNS = {
    "assistance_annual_cap": Decimal("50000.00"),
    "tilt_threshold": Decimal("7000.00"),
    "tilt_annual_cap": None,
    "critical_illness_threshold": None,
    "critical_illness_segments": [],
    "ratios": {},
    "deductible_rates": {},
    "other_special_as": "dibao",
}
NATIONAL_COLUMNS = MIANYANG_COLUMNS | {
    "tilt_threshold": None,
    "other_special_as": "",
    "ratios": {"dibao": "0.75", "marginal": "0.60"},
    "deductible_rates": {"monitored_rural": "0.05"},
}


def test_the_columns_become_the_keys_given_and_come_back():
    assert migration.parameters_from_columns(MIANYANG_COLUMNS) == {
        "assistance_annual_cap": "50000.00",
        "tilt_threshold": "7000.00",
        "other_special_as": "dibao",
    }
    assert migration.columns_from_parameters(migration.parameters_from_columns(MIANYANG_COLUMNS)) == (
        MIANYANG_COLUMNS
    )
    beijing = MIANYANG_COLUMNS | {
        "assistance_annual_cap": None,
        "tilt_threshold": None,
        "other_special_as": "",
        "critical_illness_threshold": Decimal("40000.00"),
        "critical_illness_segments": [
            {"up_to": "50000.00", "ratio": "0.60"},
            {"up_to": None, "ratio": "0.70"},
        ],
    }
    assert migration.parameters_from_columns(beijing) == {
        "critical_illness_threshold": "40000.00",
        "critical_illness_segments": beijing["critical_illness_segments"],
    }
    assert migration.columns_from_parameters(migration.parameters_from_columns(beijing)) == beijing


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_rows_and_their_history_keep_their_values_through_the_migration():
    from settlements import adapter
    from settlements.models import PolicyYear

    old = _migrate(BEFORE)
    OldYear = old.get_model("settlements", "PolicyYear")
    OldHistory = old.get_model("settlements", "HistoricalPolicyYear")
    rows = {}
    for jurisdiction, columns in (("mianyang", MIANYANG_COLUMNS), ("national", NATIONAL_COLUMNS)):
        row = OldYear.objects.create(
            jurisdiction=jurisdiction,
            year=2023,
            effective_from=dt.date(2023, 1, 1),
            income_last_year=Decimal("33000.00"),
            **columns,
        )
        OldHistory.objects.create(
            id=row.pk,
            jurisdiction=jurisdiction,
            year=2023,
            effective_from=dt.date(2023, 1, 1),
            income_last_year=Decimal("33000.00"),
            version=1,
            history_date=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
            history_type="+",
            **columns,
        )
        rows[jurisdiction] = row.pk

    _migrate(AFTER)
    mianyang = PolicyYear.objects.get(pk=rows["mianyang"])
    assert mianyang.parameters == {
        "assistance_annual_cap": "50000.00",
        "tilt_threshold": "7000.00",
        "other_special_as": "dibao",
    }
    assert mianyang.history.get().parameters == mianyang.parameters
    parameters = adapter.parameters_of(mianyang)
    assert (parameters.tilt_threshold, parameters.tilt_annual_cap) == (Decimal("7000.00"), None)
    national = adapter.parameters_of(PolicyYear.objects.get(pk=rows["national"]))
    assert dict(national.ratios) == {"dibao": Decimal("0.75"), "marginal": Decimal("0.60")}
    assert dict(national.deductible_rates) == {"monitored_rural": Decimal("0.05")}

    back = _migrate(BEFORE)
    restored = back.get_model("settlements", "PolicyYear").objects.get(pk=rows["national"])
    assert {name: getattr(restored, name) for name in NATIONAL_COLUMNS} == NATIONAL_COLUMNS
    # Every migration again: the tests after this one need the current schema.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
