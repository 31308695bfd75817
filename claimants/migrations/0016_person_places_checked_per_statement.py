"""A person's two places (household registration and insured place) checked once a statement instead of
once a row. The foreign keys checked each new person's two regions at commit, locking the region's row each
time (a platform file's 25,000 new people: 50,000 checks of a handful of townships, 0.19 s of its commit).
On PostgreSQL, triggers now keep what they guaranteed:

- after an INSERT into people, one anti-join of the new rows' places against the regions refuses the
  statement if any names a region that does not exist; an UPDATE that changes a place is checked row by row;
- a region that people name cannot be deleted, nor its code changed (regions are reference data the
  product never deletes).

As for a visit's person (settlements 0022), the two sides serialise on one transaction-level advisory lock
instead of row locks. SQLite (the demo) keeps the ORM's PROTECT alone."""

import django.db.models.deletion
from django.db import migrations, models

# The advisory lock both sides take ("JZPP"; settlements.locks keeps the other keys of the product).
LOCK_KEY = 0x4A5A5050

FORWARD = (
    f"""
    CREATE FUNCTION claimants_person_places_exist() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        missing text;
    BEGIN
        PERFORM pg_advisory_xact_lock_shared({LOCK_KEY});
        IF TG_LEVEL = 'ROW' THEN
            SELECT p.code INTO missing FROM unnest(ARRAY[NEW.hukou_region_id, NEW.insured_region_id]) AS p(code)
            WHERE NOT EXISTS (SELECT 1 FROM claimants_region r WHERE r.code = p.code) LIMIT 1;
        ELSE  -- the statement's new rows (a transition table): their few distinct places
            SELECT p.code INTO missing
            FROM (SELECT hukou_region_id AS code FROM claimants_claimant_added
                  UNION SELECT insured_region_id FROM claimants_claimant_added) AS p
            WHERE NOT EXISTS (SELECT 1 FROM claimants_region r WHERE r.code = p.code) LIMIT 1;
        END IF;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION USING MESSAGE = 'a person names region ' || missing || ', which does not exist',
                ERRCODE = 'foreign_key_violation', TABLE = 'claimants_claimant';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER person_places_exist AFTER INSERT ON claimants_claimant "
    "REFERENCING NEW TABLE AS claimants_claimant_added "
    "FOR EACH STATEMENT EXECUTE FUNCTION claimants_person_places_exist()",
    "CREATE TRIGGER person_places_changed AFTER UPDATE OF hukou_region_id, insured_region_id "
    "ON claimants_claimant FOR EACH ROW WHEN (OLD.hukou_region_id IS DISTINCT FROM NEW.hukou_region_id "
    "OR OLD.insured_region_id IS DISTINCT FROM NEW.insured_region_id) "
    "EXECUTE FUNCTION claimants_person_places_exist()",
    f"""
    CREATE FUNCTION claimants_person_place_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock({LOCK_KEY});
        IF EXISTS (SELECT 1 FROM claimants_claimant WHERE hukou_region_id = OLD.code)
           OR EXISTS (SELECT 1 FROM claimants_claimant WHERE insured_region_id = OLD.code) THEN
            RAISE EXCEPTION USING MESSAGE = 'region ' || OLD.code || ' is still named by people',
                ERRCODE = 'foreign_key_violation', TABLE = 'claimants_claimant';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END
    $$
    """,
    "CREATE TRIGGER person_place_kept BEFORE DELETE OR UPDATE OF code ON claimants_region "
    "FOR EACH ROW EXECUTE FUNCTION claimants_person_place_kept()",
)
BACKWARD = (
    "DROP TRIGGER IF EXISTS person_place_kept ON claimants_region",
    "DROP FUNCTION IF EXISTS claimants_person_place_kept()",
    "DROP TRIGGER IF EXISTS person_places_changed ON claimants_claimant",
    "DROP TRIGGER IF EXISTS person_places_exist ON claimants_claimant",
    "DROP FUNCTION IF EXISTS claimants_person_places_exist()",
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
    ]

    operations = [
        migrations.AlterField(
            model_name="claimant",
            name="hukou_region",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="claimants.region",
                verbose_name="户籍所在地",
            ),
        ),
        migrations.AlterField(
            model_name="claimant",
            name="insured_region",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="claimants.region",
                verbose_name="参保地",
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
