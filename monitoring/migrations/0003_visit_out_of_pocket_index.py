"""A covering index on settlements_visit for the monthly aggregate (PostgreSQL only).

The monthly job sums, per person of a county, the visits of one policy year up to the cut-off. With
(year, claimant_id) INCLUDE (the amount columns) each person's visits are one index-only range, and the
bare aggregate over the whole year is a streaming GroupAggregate. The index lives on the settlements table
but is created here (IF NOT EXISTS, reversible) because only this job needs it; see docs/monitoring.md.
"""

from django.db import migrations

INDEX = "monitoring_visit_year_claimant_cover"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON settlements_visit (year, claimant_id) "
    "INCLUDE (discharged, policy_scope_cost, basic_insurance_paid, critical_illness_paid, fully_self_paid)"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_monthly_schedule"),
        ("settlements", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
