"""A visit's import batch without a foreign-key check per row (an import's 100,000 visits each checked the
one batch at commit). On PostgreSQL a trigger keeps what the constraint guaranteed on the batch's side:
a batch that visits name cannot be deleted, nor its key changed. Only the import's commit sets the column,
to the batch it holds locked. SQLite (the demo) keeps the ORM's PROTECT alone."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = (
    """
    CREATE FUNCTION settlements_visit_batch_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM settlements_visit WHERE import_batch_id = OLD.id) THEN
            RAISE EXCEPTION USING MESSAGE = 'import batch ' || OLD.id || ' is still named by visits',
                ERRCODE = 'foreign_key_violation', TABLE = 'settlements_visit';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END
    $$
    """,
    "CREATE TRIGGER visit_batch_kept BEFORE DELETE OR UPDATE OF id ON claimants_importbatch "
    "FOR EACH ROW EXECUTE FUNCTION settlements_visit_batch_kept()",
)
BACKWARD = (
    "DROP TRIGGER IF EXISTS visit_batch_kept ON claimants_importbatch",
    "DROP FUNCTION IF EXISTS settlements_visit_batch_kept()",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claimants", "0015_fewer_person_indexes"),
        ("settlements", "0020_fewer_visit_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="visit",
            name="import_batch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="claimants.importbatch",
                verbose_name="导入批次",
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
