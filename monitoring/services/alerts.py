"""The county step of the monthly high-cost alert job: classify, route and insert the alerts (RULES.md 3.9 MY-W1)."""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from claimants import categories
from claimants.models import Region, User
from core.certifications import in_force_sql
from core.errors import DomainError
from core.roles import Department
from jurisdictions import registry
from monitoring.dashboards import casework
from monitoring.errors import MonitoringError
from monitoring.models import (
    COUNTED,
    AlertRun,
    HighCostAlert,
    PendingHit,
    PushBatch,
    RunCounty,
)
from monitoring.services.runs import (
    RETURNING_CATEGORY,
    counties_to_run,
    describe_failure,
    fail_run,
    finish_empty_run,
    measure_run,
    month_end,
    month_start,
    start_run,
    threshold_for,
)


def _ranked(codes) -> str:
    """``CASE category WHEN … THEN rank`` over the given categories (就高不就低: rank 0 is the highest)."""
    return (
        "CASE cert.category "
        + " ".join(f"WHEN '{code}' THEN {rank}" for rank, code in enumerate(codes))
        + " END"
    )


# One statement per county: classify every pending hit by the certifications held at the cut-off, route it
# (both departments, or medical security's list when already assisted), link an earlier unanswered push, and
# insert, skipping rows that exist (the unique constraint). Category codes are constants of this module and
# of ``claimants.categories``; every value from outside is a parameter.
ALERTS_SQL = """
WITH classified AS MATERIALIZED (
    SELECT h.claimant_id, h.hukou_region_id, h.insured_region_id, h.amount,
           (SELECT cert.category FROM claimants_certification cert
            WHERE cert.claimant_id = h.claimant_id AND {in_force} AND cert.category IN ({categories})
            ORDER BY {ranked} LIMIT 1) AS held,
           EXISTS (SELECT 1 FROM claimants_certification cert
                   WHERE cert.claimant_id = h.claimant_id AND cert.valid_from <= %(cutoff)s
                     AND NOT ({in_force}))
               AS held_before,
           NOT EXISTS (SELECT 1 FROM monitoring_highcostalert p
                       WHERE p.claimant_id = h.claimant_id AND p.period = %(previous)s) AS new_this_month
    FROM monitoring_pendinghit h
    WHERE h.run_id = %(run)s AND h.county_id = %(county)s
),
routed AS MATERIALIZED (
    SELECT x.*, d.department,
           CASE WHEN x.held = %(returning)s THEN %(returned)s WHEN x.held IS NOT NULL THEN %(assisted)s
                WHEN x.held_before THEN %(returned)s ELSE %(impoverished)s END AS kind,
           (SELECT a.id FROM monitoring_highcostalert a
            WHERE a.claimant_id = x.claimant_id AND a.department = d.department AND a.disposition = %(pushed)s
              AND a.result = '' AND a.period < %(period)s
            ORDER BY a.period, a.id LIMIT 1) AS carried_from_id
    FROM classified x
    JOIN (SELECT %(civil)s AS department UNION ALL SELECT %(rural)s UNION ALL SELECT %(medical)s) d
      ON d.department IS NOT NULL
     AND (d.department <> %(medical)s OR (x.held IS NOT NULL AND x.held <> %(returning)s))
)
INSERT INTO monitoring_highcostalert (claimant_id, period, department, county_id, hukou_region_id,
                                      insured_region_id, amount, threshold, kind, category_held, disposition,
                                      carried_from_id, batch_id, created_at, result, reason, new_this_month)
SELECT claimant_id, %(period)s, department, %(county)s, hukou_region_id, insured_region_id, ROUND(amount, 2),
       %(threshold)s, kind, CASE WHEN kind = %(impoverished)s THEN '' ELSE COALESCE(held, '') END,
       CASE WHEN department = %(medical)s THEN %(reported)s WHEN carried_from_id IS NOT NULL THEN %(carried_over)s
            ELSE %(pushed)s END,
       carried_from_id, %(batch)s, %(now)s, '', '', new_this_month
FROM routed
WHERE true
ON CONFLICT DO NOTHING
"""


@transaction.atomic
def alert_county(*, run: AlertRun, county: str) -> PushBatch | None:
    """The job's unit of work: every pending hit of one county (by household registration) becomes alerts.

    One transaction: a worker dying half-way leaves nothing behind, and the retry starts over. The county's
    ``RunCounty`` row counts it once in the run's progress, however often the task is delivered, and keeps
    what the run found and pushed there. A county with nobody over the threshold gets no push batch (an empty
    month hands nothing over). A county whose batch for the period was handed over by an earlier run gets
    only the people not in it yet (records that reached the platform since): the unique constraint on
    (person, period, department) and ``ON CONFLICT DO NOTHING`` push nobody twice. Returns the county's
    batch, or None.
    """
    region = Region.objects.get(code=county)
    threshold = threshold_for(jurisdiction=region.jurisdiction, year=run.period.year)
    if threshold is None:
        raise DomainError(MonitoringError.NO_POLICY_YEAR, year=run.period.year)
    unit, _ = RunCounty.objects.select_for_update().get_or_create(run=run, county=region)
    batch = PushBatch.objects.filter(period=run.period, region=region).first()
    if unit.finished_at is not None:  # a task delivered twice: counted once
        return batch
    counts = dict.fromkeys(COUNTED, 0)
    if PendingHit.objects.filter(run=run, county=region).exists():
        batch, created = PushBatch.objects.get_or_create(
            period=run.period, region=region, defaults={"run": run, "threshold": threshold}
        )
        if not created:
            batch = PushBatch.objects.select_for_update().get(pk=batch.pk)
        counts |= _insert_alerts(batch=batch, run=run, threshold=threshold, jurisdiction=region.jurisdiction)
        if batch.finished_at is None:
            batch.run, batch.threshold, batch.finished_at = run, threshold, timezone.now()
            batch.save(update_fields=["run", "threshold", "finished_at"])
        counts["hits"], _ = PendingHit.objects.filter(run=run, county=region).delete()
    for name, value in counts.items():
        setattr(unit, name, value)
    unit.finished_at = timezone.now()
    unit.save(update_fields=["finished_at", *COUNTED])
    _count_progress(run, counts)
    return batch


def rural_alerted(jurisdiction: str) -> bool:
    return Department.RURAL_REVITALIZATION in registry.get(jurisdiction).alert_departments


def _insert_alerts(
    *, batch: PushBatch, run: AlertRun, threshold: Decimal, jurisdiction: str
) -> dict[str, int]:
    """Insert the county's alerts with ``ALERTS_SQL``; return how many of each disposition it inserted (all
    with one push time: the dashboards add them, and a batch handed over before keeps its own)."""
    ranking = categories.categories_of(jurisdiction)
    sql = ALERTS_SQL.format(
        categories=", ".join(f"'{code}'" for code in ranking),
        ranked=_ranked(ranking),
        in_force=in_force_sql("cert", "%(cutoff)s"),
    )
    ops = connection.ops
    pushed_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "run": run.pk,
                "county": batch.region_id,
                "batch": batch.pk,
                "period": ops.adapt_datefield_value(batch.period),
                "previous": ops.adapt_datefield_value(month_start(batch.period - dt.timedelta(days=1))),
                "cutoff": ops.adapt_datefield_value(month_end(batch.period)),
                "threshold": threshold,
                "now": ops.adapt_datetimefield_value(pushed_at),
                "returning": RETURNING_CATEGORY,
                "civil": Department.CIVIL_AFFAIRS,
                # NULL joins no row: the push goes to civil affairs alone. SCENARIOS Clarification 26: the
                # national guideline and Mianyang push to both; Beijing's and Tianjin's texts name no
                # rural-revitalization role in the alert (each package's ``alert_departments``).
                "rural": Department.RURAL_REVITALIZATION if rural_alerted(jurisdiction) else None,
                "medical": Department.MEDICAL_SECURITY,
                **{kind.name.lower(): kind.value for kind in HighCostAlert.Kind},
                **{disposition.name.lower(): disposition.value for disposition in HighCostAlert.Disposition},
            },
        )
    casework.add_alert_batch(batch.pk, pushed_at)
    by_disposition = dict(
        HighCostAlert.objects.filter(batch=batch, created_at=pushed_at)
        .values_list("disposition")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        disposition.value: by_disposition.get(disposition, 0) for disposition in HighCostAlert.Disposition
    }


def _count_progress(run: AlertRun, counts: dict[str, int]) -> None:
    AlertRun.objects.filter(pk=run.pk).update(
        regions_done=F("regions_done") + 1,
        progressed_at=timezone.now(),
        **{key: F(key) + value for key, value in counts.items()},
    )
    AlertRun.objects.filter(
        pk=run.pk, status=AlertRun.Status.RUNNING, regions_done__gte=F("regions_total")
    ).update(status=AlertRun.Status.FINISHED, finished_at=timezone.now())


def run_monthly_alerts(
    *,
    period: dt.date,
    trigger: str = AlertRun.Trigger.MANUAL,
    by: User | None = None,
    region: str | None = None,
):
    """The whole job in this process, county after county (commands, tests; the task fans out instead)."""
    run = start_run(period=period, trigger=trigger, by=by, region=region)
    try:
        measure_run(run=run)
        for county in counties_to_run(period=run.period, region=run.region_id):
            alert_county(run=run, county=county)
        finish_empty_run(run=run)
    except Exception as exc:
        fail_run(run_id=run.pk, error=describe_failure(exc))
        raise
    run.refresh_from_db()
    return run
