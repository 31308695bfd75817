"""The settlement roll-up keeps the total assistance; each tier is rolled up as its own row (TierRollup),
filled from the settlements' tier rows, so a new tier needs no roll-up column."""

import django.db.models.deletion
from django.db import migrations, models

TOTAL = (
    "UPDATE monitoring_settlementrollup "
    "SET assistance = medical_assistance + tilted_assistance + major_illness_assistance"
)
TIERS = """
INSERT INTO monitoring_tierrollup (year, month, region_id, category, tier, amount)
SELECT s.year, CAST({month} AS integer), c.hukou_region_id, s.category, t.code, sum(t.amount)
FROM settlements_settlementtier t
JOIN settlements_settlement s ON s.id = t.settlement_id
JOIN claimants_claimant c ON c.id = s.claimant_id
WHERE s.reversed_at IS NULL
GROUP BY s.year, {month}, c.hukou_region_id, s.category, t.code
"""


def fill_tier_rollups(apps, schema_editor):
    connection = schema_editor.connection
    month = (
        "EXTRACT(MONTH FROM s.discharged)"
        if connection.vendor == "postgresql"
        else "strftime('%m', s.discharged)"
    )
    with connection.cursor() as cursor:
        cursor.execute(TIERS.format(month=month))


class Migration(migrations.Migration):
    dependencies = [
        ("claimants", "0012_claimant_origin"),
        ("monitoring", "0018_run_counties"),
        ("settlements", "0015_settlement_tier_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="settlementrollup",
            name="assistance",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name="救助金额"),
        ),
        migrations.RunSQL(TOTAL, migrations.RunSQL.noop),
        migrations.RemoveField(
            model_name="settlementrollup",
            name="major_illness_assistance",
        ),
        migrations.RemoveField(
            model_name="settlementrollup",
            name="medical_assistance",
        ),
        migrations.RemoveField(
            model_name="settlementrollup",
            name="tilted_assistance",
        ),
        migrations.CreateModel(
            name="TierRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("month", models.PositiveSmallIntegerField(verbose_name="月份")),
                ("category", models.CharField(blank=True, max_length=40, verbose_name="救助身份")),
                ("tier", models.CharField(max_length=40, verbose_name="救助层次代码")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name="金额"),
                ),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="claimants.region",
                        verbose_name="户籍乡镇",
                    ),
                ),
            ],
            options={
                "verbose_name": "月度救助层次汇总",
                "verbose_name_plural": "月度救助层次汇总",
                "indexes": [models.Index(fields=["year", "region"], name="tier_rollup_year_region")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "month", "region", "category", "tier"), name="tier_rollup_key"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_tier_rollups, migrations.RunPython.noop),
    ]
