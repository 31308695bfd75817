from django.db import migrations, models
from django.db.models import Count

COUNTERS = ("hits", "pushed", "carried_over", "reported")


def count_earlier_runs(apps, schema_editor):
    """Each earlier run's counts per county, from the alerts of the batches it handed over (until now a batch
    held one run's alerts only); a county of a run made before ``RunCounty`` existed gets its row."""
    RunCounty = apps.get_model("monitoring", "RunCounty")
    PushBatch = apps.get_model("monitoring", "PushBatch")
    HighCostAlert = apps.get_model("monitoring", "HighCostAlert")
    alerts = HighCostAlert.objects.filter(batch__isnull=False).order_by()
    counts: dict[int, dict[str, int]] = {}
    for batch, hits in alerts.values_list("batch_id").annotate(n=Count("claimant_id", distinct=True)):
        counts[batch] = dict.fromkeys(COUNTERS, 0) | {"hits": hits}
    for batch, disposition, n in alerts.values_list("batch_id", "disposition").annotate(n=Count("pk")):
        counts[batch][disposition] = n
    units = {(u.run_id, u.county_id): u for u in RunCounty.objects.all()}
    counted, new = [], []
    for batch in PushBatch.objects.all():  # a batch without alerts has nothing to count
        if batch.pk not in counts:
            continue
        unit = units.get((batch.run_id, batch.region_id))
        if unit is None:
            unit = RunCounty(run_id=batch.run_id, county_id=batch.region_id, finished_at=batch.finished_at)
        (counted if unit.pk else new).append(unit)
        for name in COUNTERS:
            setattr(unit, name, counts[batch.pk][name])
    RunCounty.objects.bulk_update(counted, COUNTERS, batch_size=1000)
    RunCounty.objects.bulk_create(new, batch_size=1000)

class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0019_tier_rollup'),
    ]

    operations = [
        migrations.AddField(
            model_name='runcounty',
            name='carried_over',
            field=models.PositiveIntegerField(default=0, verbose_name='结转未反馈'),
        ),
        migrations.AddField(
            model_name='runcounty',
            name='hits',
            field=models.PositiveIntegerField(default=0, verbose_name='超标人数'),
        ),
        migrations.AddField(
            model_name='runcounty',
            name='pushed',
            field=models.PositiveIntegerField(default=0, verbose_name='新推送'),
        ),
        migrations.AddField(
            model_name='runcounty',
            name='reported',
            field=models.PositiveIntegerField(default=0, verbose_name='已救助（仅报告）'),
        ),
        migrations.RunPython(count_earlier_runs, migrations.RunPython.noop),
    ]
