"""PostgreSQL search indexes: pg_trgm GIN on name and ID number (fragment search), and pattern-ops
indexes on the household-registration region (region-subtree prefix filters under a non-C collation) and
on the name (two-character names searched from the start).
A no-op on SQLite."""

from django.db import migrations

FORWARD = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS claimant_name_trgm ON claimants_claimant USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS claimant_idnum_trgm ON claimants_claimant USING gin (id_number gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS claimant_region_prefix ON claimants_claimant "
    "(hukou_region_id varchar_pattern_ops, id)",
    "CREATE INDEX IF NOT EXISTS claimant_name_prefix ON claimants_claimant (name varchar_pattern_ops)",
)
BACKWARD = (
    "DROP INDEX IF EXISTS claimant_name_trgm",
    "DROP INDEX IF EXISTS claimant_idnum_trgm",
    "DROP INDEX IF EXISTS claimant_region_prefix",
    "DROP INDEX IF EXISTS claimant_name_prefix",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("claimants", "0002_historicalhousehold_importbatch_and_more")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
