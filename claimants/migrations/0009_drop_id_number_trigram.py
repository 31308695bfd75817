"""The ID number is searched whole (``claimants.filters.validate_search``), through its unique index: the
trigram index of migration 0003 served fragment searches, which are no longer allowed. A no-op on SQLite."""

from django.db import migrations


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("claimants", "0008_certification_author_unindexed")]

    operations = [
        migrations.RunPython(
            _run("DROP INDEX IF EXISTS claimant_idnum_trgm"),
            _run(
                "CREATE INDEX IF NOT EXISTS claimant_idnum_trgm ON claimants_claimant "
                "USING gin (id_number gin_trgm_ops)"
            ),
        )
    ]
