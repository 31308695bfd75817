"""Celery tasks of the monthly alert job: thin, idempotent, taking ids and dates.

``run_monthly_alerts_task`` (scheduled by django-celery-beat, see migration 0002) makes the one pass over the
visits that finds everyone over the threshold, then fans the month out into one ``alert_county_task`` per
county in a group, so several workers share the classification and the writes; each county is one
transaction that a retry can repeat. With ``CELERY_TASK_ALWAYS_EAGER`` the same code runs in-process.
"""

import datetime as dt
import logging

from celery import group, shared_task
from django.db import OperationalError
from django.utils import timezone

from core.errors import DomainError
from monitoring import services
from monitoring.models import AlertRun

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def alert_county_task(run_id: int, county: str) -> None:
    try:
        services.alert_county(run=AlertRun.objects.get(pk=run_id), county=county)
    except DomainError as exc:
        services.fail_run(run_id=run_id, error=f"{county}: {exc.message}")
    except OperationalError:
        raise  # retried (a lost connection, a deadlock victim); the last failure is recorded below
    except Exception as exc:
        logger.exception("monthly alert run %s failed in county %s", run_id, county)
        services.fail_run(run_id=run_id, error=f"{county}: {services.describe_failure(exc)}")


@shared_task(acks_late=True)
def run_monthly_alerts_task(period: str | None = None, run_id: int | None = None) -> int | None:
    """Scheduled with no argument: the previous month. From the run-now button: the run already recorded.
    Whatever stops it ends the run as ``failed`` with the error, shown on the monitoring page."""
    if run_id is None:
        month = dt.date.fromisoformat(period) if period else services.previous_period(timezone.localdate())
        run = services.start_run(period=month, trigger=AlertRun.Trigger.SCHEDULE)
    else:
        run = services.begin_run(run_id)
        if run is None:
            return None  # finished or failed meanwhile: nothing to do
    try:
        services.measure_run(run=run)
        counties = services.counties_to_run(period=run.period, region=run.region_id)
        services.finish_empty_run(run=run)
    except Exception as exc:
        logger.exception("monthly alert run %s failed", run.pk)
        services.fail_run(run_id=run.pk, error=services.describe_failure(exc))
        return run.pk
    group(alert_county_task.s(run.pk, county) for county in counties).apply_async()
    return run.pk


@shared_task
def dispatch_queued_runs_task() -> int:
    """Every few minutes (beat): send the runs that stayed queued while the task queue was unreachable."""
    return services.dispatch_queued_runs()
