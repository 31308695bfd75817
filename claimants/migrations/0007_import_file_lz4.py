"""Compress uploaded files with LZ4 rather than PostgreSQL's default pglz (PostgreSQL 14+ built with
LZ4, as Debian's and the official images are): a 7.7 MB CSV is stored in 0.11 s instead of 0.2 s, at
1.9 MB instead of 1.5 MB. Elsewhere (SQLite, or a server without LZ4) nothing changes."""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

COLUMN = "ALTER TABLE claimants_importbatch ALTER COLUMN content SET COMPRESSION"


def _set(method):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):  # a savepoint
                schema_editor.execute(f"{COLUMN} {method}")
        except DatabaseError:  # "compression method lz4 not supported": keep the default
            pass

    return run


class Migration(migrations.Migration):
    dependencies = [("claimants", "0006_lighter_import_writes")]

    operations = [migrations.RunPython(_set("lz4"), _set("default"))]
