"""A visit that gave no 大病 amount keeps the 大病 tier its settlement in force computed (SCENARIOS
Clarification 26), for the monthly job; visits settled before this migration get it from their settlement."""

from django.db import migrations, models

BACKFILL = """
UPDATE settlements_visit
SET critical_illness_settled = (
    SELECT s.critical_illness_insurance FROM settlements_settlement s
    WHERE s.visit_id = settlements_visit.id AND s.reversed_at IS NULL
)
WHERE critical_illness_paid IS NULL
  AND EXISTS (SELECT 1 FROM settlements_settlement s WHERE s.visit_id = settlements_visit.id AND s.reversed_at IS NULL)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("settlements", "0010_choices_from_jurisdiction_packages"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="critical_illness_settled",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=14,
                null=True,
                verbose_name="结算计算的大病保险",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
