"""The monthly aggregate's covering index (0003) also holds ``supplementary_paid``, which the out-of-pocket
amount now deducts (SCENARIOS Clarification 23), so each person's visits stay one index-only range."""

from django.db import migrations

INDEX = "monitoring_visit_year_claimant_cover"
COLUMNS = "discharged, policy_scope_cost, basic_insurance_paid, critical_illness_paid, fully_self_paid"


def _index(columns: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            schema_editor.execute(
                f"CREATE INDEX {INDEX} ON settlements_visit (year, claimant_id) INCLUDE ({columns})"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0011_dispatch_queued_runs_schedule"),
        ("settlements", "0007_visit_scheme_supplementary_settlement_fund"),
    ]

    operations = [migrations.RunPython(_index(f"{COLUMNS}, supplementary_paid"), _index(COLUMNS))]
