"""A visit's person checked once a statement instead of once a row. The foreign key checked each visit at
commit (an import's 100,000 probes of the people's key, each locking the person's row: a fifth of the
commit's time); on PostgreSQL, triggers now keep what it guaranteed:

- after an INSERT into visits, one anti-join of the inserted rows against the people refuses the statement
  if any visit names nobody; an UPDATE that changes a visit's person is checked row by row;
- a person whom visits name cannot be deleted, nor their key changed.

Instead of a lock on each person's row, the two sides serialise on one transaction-level advisory lock:
statements that add visits share it, deleting a person takes it alone and then looks for their visits with
a fresh snapshot (READ COMMITTED, as the product runs), so neither can miss what the other committed. SQLite
(the demo) keeps the ORM's PROTECT alone."""

import django.db.models.deletion
from django.db import migrations, models

# The advisory lock both sides take ("JZVP"; settlements.locks keeps the other keys of the product).
LOCK_KEY = 0x4A5A5650

FORWARD = (
    f"""
    CREATE FUNCTION settlements_visit_people_exist() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        missing bigint;
    BEGIN
        PERFORM pg_advisory_xact_lock_shared({LOCK_KEY});
        IF TG_LEVEL = 'ROW' THEN
            IF NOT EXISTS (SELECT 1 FROM claimants_claimant WHERE id = NEW.claimant_id) THEN
                missing := NEW.claimant_id;
            END IF;
        ELSE  -- the statement's new rows (a transition table); a nested loop over the people's key
            SELECT a.claimant_id INTO missing FROM settlements_visit_added a
            WHERE NOT EXISTS (SELECT 1 FROM claimants_claimant c WHERE c.id = a.claimant_id) LIMIT 1;
        END IF;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION USING MESSAGE = 'a visit names person ' || missing || ', who is not in the registry',
                ERRCODE = 'foreign_key_violation', TABLE = 'settlements_visit';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER visit_people_exist AFTER INSERT ON settlements_visit "
    "REFERENCING NEW TABLE AS settlements_visit_added "
    "FOR EACH STATEMENT EXECUTE FUNCTION settlements_visit_people_exist()",
    "CREATE TRIGGER visit_person_changed AFTER UPDATE OF claimant_id ON settlements_visit FOR EACH ROW "
    "WHEN (OLD.claimant_id IS DISTINCT FROM NEW.claimant_id) EXECUTE FUNCTION settlements_visit_people_exist()",
    f"""
    CREATE FUNCTION settlements_visit_person_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock({LOCK_KEY});
        IF EXISTS (SELECT 1 FROM settlements_visit WHERE claimant_id = OLD.id) THEN
            RAISE EXCEPTION USING MESSAGE = 'person ' || OLD.id || ' is still named by visits',
                ERRCODE = 'foreign_key_violation', TABLE = 'settlements_visit';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END
    $$
    """,
    "CREATE TRIGGER visit_person_kept BEFORE DELETE OR UPDATE OF id ON claimants_claimant "
    "FOR EACH ROW EXECUTE FUNCTION settlements_visit_person_kept()",
)
BACKWARD = (
    "DROP TRIGGER IF EXISTS visit_person_kept ON claimants_claimant",
    "DROP FUNCTION IF EXISTS settlements_visit_person_kept()",
    "DROP TRIGGER IF EXISTS visit_person_changed ON settlements_visit",
    "DROP TRIGGER IF EXISTS visit_people_exist ON settlements_visit",
    "DROP FUNCTION IF EXISTS settlements_visit_people_exist()",
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
        ("settlements", "0021_visit_batch_checked_on_delete"),
    ]

    operations = [
        migrations.AlterField(
            model_name="visit",
            name="claimant",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="claimants.claimant",
                verbose_name="就诊人",
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
