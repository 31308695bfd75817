"""The monthly job reads the person-year totals (0016) instead of every visit, so the covering index on the
visits that served its aggregate (0003, 0012, 0015) serves nothing any more: it is dropped, and every visit
written (an import writes millions) no longer maintains it. Reversing this migration builds it again."""

from django.db import migrations

INDEX = "monitoring_visit_year_claimant_cover"
COLUMNS = (
    "discharged, policy_scope_cost, basic_insurance_paid, critical_illness_paid, fully_self_paid, "
    "supplementary_paid, critical_illness_settled"
)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON settlements_visit (year, claimant_id) INCLUDE ({COLUMNS})"
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0016_person_year_totals")]

    operations = [migrations.RunPython(drop, create)]
