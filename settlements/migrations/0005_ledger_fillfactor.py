"""Leave room on the ledger's pages (PostgreSQL): every settlement rewrites a few counter rows, and with
free space on the page the new version stays there as a heap-only tuple, with no index entry to add."""

from django.db import migrations

FILLFACTOR = 70


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE settlements_ledgerentry SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE settlements_ledgerentry RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("settlements", "0004_visit_assistance_paid_at_hospital_import_batch")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
