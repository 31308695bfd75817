"""Per-person year totals for the monthly job (``monitoring.totals``), filled from the visits stored so far
(the same sum as ``totals.rebuild``, written out here so that later changes to the module leave this step
as it ran)."""

import django.db.models.deletion
from django.db import migrations, models


FILL = """
INSERT INTO monitoring_personyeartotal (claimant_id, year, self_pay, fully_self_paid, visits, last_discharged)
SELECT claimant_id, year,
       SUM(policy_scope_cost - basic_insurance_paid - COALESCE(critical_illness_paid, critical_illness_settled, 0)
           - supplementary_paid),
       SUM(fully_self_paid), COUNT(*), MAX(discharged)
FROM settlements_visit
GROUP BY claimant_id, year
"""


def fill(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):

    dependencies = [
        ('claimants', '0012_claimant_origin'),
        ('monitoring', '0015_out_of_pocket_index_settled_critical_illness'),
        ('settlements', '0011_visit_critical_illness_settled'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonYearTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('self_pay', models.DecimalField(decimal_places=2, default=0, max_digits=18, verbose_name='年度累计自付费用')),
                ('fully_self_paid', models.DecimalField(decimal_places=2, default=0, max_digits=18, verbose_name='全自费金额')),
                ('visits', models.IntegerField(default=0, verbose_name='就医次数')),
                ('last_discharged', models.DateField(blank=True, null=True, verbose_name='最近出院（结算）日期')),
                ('claimant', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='claimants.claimant', verbose_name='人员')),
            ],
            options={
                'verbose_name': '年度个人自付累计',
                'verbose_name_plural': '年度个人自付累计',
                'indexes': [models.Index(fields=['year', 'self_pay'], name='person_year_total_self_pay')],
                'constraints': [models.UniqueConstraint(fields=('claimant', 'year'), name='person_year_total_key')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
