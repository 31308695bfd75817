"""Settlements made before tiers were rows get theirs from the per-tier columns, and their total.

Every settlement gets its regular-assistance row. Until now only Mianyang had 倾斜救助 and only Tianjin
重特大疾病医疗救助: a settlement under that jurisdiction's policy year gets that tier's row too (zero
included, as a new settlement would), and any other settlement only when the column holds an amount.
"""

from django.db import migrations

TOTAL = (
    "UPDATE settlements_settlement "
    "SET assistance = medical_assistance + tilted_assistance + major_illness_assistance"
)
INSERT = (
    "INSERT INTO settlements_settlementtier (settlement_id, position, code, name, amount, fund) "
    "SELECT s.id, {position}, '{code}', '{name}', s.{code}, s.fund FROM settlements_settlement s "
    "JOIN settlements_policyyear py ON py.id = s.policy_year_id WHERE {condition}"
)
REGULAR = INSERT.format(position="0", code="medical_assistance", name="医疗救助", condition="1 = 1")
TILTED = INSERT.format(
    position="1",
    code="tilted_assistance",
    name="倾斜救助",
    condition="py.jurisdiction = 'mianyang' OR s.tilted_assistance <> 0",
)
MAJOR = INSERT.format(
    position="CASE WHEN py.jurisdiction = 'mianyang' OR s.tilted_assistance <> 0 THEN 2 ELSE 1 END",
    code="major_illness_assistance",
    name="重特大疾病医疗救助",
    condition="py.jurisdiction = 'tianjin' OR s.major_illness_assistance <> 0",
)


class Migration(migrations.Migration):
    dependencies = [
        ("settlements", "0014_settlement_tiers"),
    ]

    operations = [
        migrations.RunSQL(TOTAL, migrations.RunSQL.noop),
        migrations.RunSQL([REGULAR, TILTED, MAJOR], "DELETE FROM settlements_settlementtier"),
    ]
