"""Monthly high-cost alert job on a synthetic city: ``python -m bench monitoring [--scale small|full]``.

full: 1,000,000 people and 10,000,000 visits in one year (small: a tenth). Times the monthly job end to end
(the Celery task with its county fan-out, in this process) and, over the same rows, the bare SQL aggregate
(the same sum, filters and covering index, under the job's own plan settings, warm, timed the same way from
this process); reports ``job_seconds``, ``bare_sql_seconds``, ``ratio_to_bare_sql`` and ``peak_rss_mb``
(this worker process, ``resource.getrusage``). Targets: ratio <= 1.5, memory < 500 MB.
"""

import datetime as dt
import os
import resource
import time
from decimal import Decimal

from celery import current_app
from django.db import connection, transaction

from bench import progress
from monitoring import services, synthetic
from monitoring.models import AlertRun, HighCostAlert, PushBatch
from monitoring.tasks import run_monthly_alerts_task
from settlements.models import PolicyYear

SCALES = {"small": (100_000, 1_000_000), "full": (1_000_000, 10_000_000)}
YEAR = 2023
PERIOD = dt.date(YEAR, 12, 1)  # the January run: the whole year

BARE_SQL = """
SELECT claimant_id, sum(policy_scope_cost - basic_insurance_paid - coalesce(critical_illness_paid, 0))
FROM settlements_visit
WHERE year = %s AND discharged <= %s
GROUP BY claimant_id
HAVING sum(policy_scope_cost - basic_insurance_paid - coalesce(critical_illness_paid, 0)) > %s
"""


def bare_sql(threshold: Decimal) -> tuple[float, int]:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        services.aggregate_settings(cursor)
        cursor.execute(BARE_SQL, [YEAR, services.month_end(PERIOD), threshold])
        rows = len(cursor.fetchall())
    return time.perf_counter() - started, rows


def clear() -> None:
    """Remove the synthetic city, then the month's batches and runs left without alerts."""
    if synthetic.remove_city():
        synthetic.vacuum_analyze()
    PushBatch.objects.filter(period=PERIOD, alerts__isnull=True).delete()
    AlertRun.objects.filter(period=PERIOD, batches__isnull=True).delete()


def run(scale: str, *, sizes: tuple[int, int] | None = None) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("the monitoring benchmark needs PostgreSQL: set DATABASE_URL")
    people, visits = sizes or SCALES[scale]
    current_app.conf.task_always_eager = True  # the fan-out runs in this process, whose memory we measure
    if not synthetic.township_codes():
        from django.conf import settings

        from claimants.divisions import load_divisions

        load_divisions(settings.SHARED_DIR / "data" / "divisions", only=("5107",))
    policy_year, created_year = PolicyYear.objects.get_or_create(
        jurisdiction="mianyang",
        year=YEAR,
        defaults={"effective_from": dt.date(YEAR, 1, 1), "income_last_year": Decimal("33000.00")},
    )
    threshold = services.threshold_for(jurisdiction="mianyang", year=YEAR)
    clear()  # what an interrupted run left behind
    try:
        progress(f"generating {people:,} people and {visits:,} visits")
        started = time.perf_counter()
        synthetic.create_city(people=people, visits=visits, year=YEAR)
        synthetic.vacuum_analyze()
        load_seconds = time.perf_counter() - started
        progress(f"loaded in {load_seconds:.1f} s; warming up with the bare aggregate")
        bare_sql(threshold)
        progress("running the monthly job")
        started = time.perf_counter()
        run_id = run_monthly_alerts_task.apply(args=[PERIOD.isoformat()]).get()
        job_seconds = time.perf_counter() - started
        job = AlertRun.objects.get(pk=run_id)
        alerts = HighCostAlert.objects.filter(batch__run_id=run_id).count()
        progress(f"job: {job_seconds:.2f} s, {job.hits:,} people over {threshold}; timing the bare aggregate")
        bare_seconds, bare_rows = bare_sql(threshold)
        if bare_rows != job.hits:
            raise SystemExit(f"the job found {job.hits} people, the bare aggregate {bare_rows}")
        return {
            "load_average": [round(load, 2) for load in os.getloadavg()],
            "people": people,
            "visits": visits,
            "people_over_threshold": job.hits,
            "alerts_written": alerts,
            "counties": job.regions_total,
            "load_seconds": round(load_seconds, 1),
            "job_seconds": round(job_seconds, 2),
            "bare_sql_seconds": round(bare_seconds, 2),
            "ratio_to_bare_sql": round(job_seconds / bare_seconds, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        progress("cleaning up")
        clear()
        if created_year:
            policy_year.delete()
