"""The monthly aggregate's covering index (0003, 0012) also holds ``critical_illness_settled``, which the
out-of-pocket amount now deducts when no 大病 amount was given (SCENARIOS Clarification 26), so each person's
visits stay one index-only range."""

from django.db import migrations

INDEX = "monitoring_visit_year_claimant_cover"
COLUMNS = (
    "discharged, policy_scope_cost, basic_insurance_paid, critical_illness_paid, fully_self_paid, "
    "supplementary_paid"
)


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
        ("monitoring", "0014_alert_new_this_month"),
        ("settlements", "0011_visit_critical_illness_settled"),
    ]

    operations = [migrations.RunPython(_index(f"{COLUMNS}, critical_illness_settled"), _index(COLUMNS))]
