"""The per-tier columns of settlements go: every settlement's tiers are its ``SettlementTier`` rows (filled
for older settlements by 0015) and its total is ``assistance``, so nothing moves.

Undone, the columns come back filled from the tier rows (zero where a settlement has no such tier).
"""

from django.db import migrations, models

CODES = ("medical_assistance", "tilted_assistance", "major_illness_assistance")
REFILL = (
    "UPDATE settlements_settlement SET {code} = COALESCE((SELECT t.amount FROM settlements_settlementtier t "
    "WHERE t.settlement_id = settlements_settlement.id AND t.code = '{code}'), 0)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("settlements", "0017_visit_and_settlement_history"),
    ]

    operations = [
        # Undone last, after every ALTER TABLE (PostgreSQL refuses one while the UPDATE's triggers are pending).
        migrations.RunSQL(migrations.RunSQL.noop, [REFILL.format(code=code) for code in CODES]),
        # A database default first, so that undoing the removal can add the columns back to existing rows.
        *(
            migrations.AlterField(
                model_name="settlement",
                name=code,
                field=models.DecimalField(decimal_places=2, max_digits=14, db_default=0, verbose_name=label),
            )
            for code, label in zip(CODES, ("医疗救助", "倾斜救助", "重特大疾病医疗救助"), strict=True)
        ),
        migrations.RemoveConstraint(
            model_name="settlement",
            name="settlement_tiers_not_negative",
        ),
        *(migrations.RemoveField(model_name="settlement", name=code) for code in CODES),
        migrations.AddConstraint(
            model_name="settlement",
            constraint=models.CheckConstraint(
                condition=models.Q(("critical_illness_insurance__gte", 0), ("assistance__gte", 0)),
                name="settlement_tiers_not_negative",
            ),
        ),
    ]
