"""Reads of the monitoring app, always starting from the user's region and department."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from claimants.models import User
from core.regions import in_region, region_filter
from core.roles import officer_department
from monitoring.models import COUNTED, AlertRun, HighCostAlert, PushBatch, RunCounty
from monitoring.services import counties_to_run, is_stuck, rule_for
from settlements.models import Visit


def alerts_visible_to(user: User) -> QuerySet[HighCostAlert]:
    """Alerts of counties in the user's subtree (the county of the hukou region, or above). Department officers
    see their own department's queue; medical security and managers see the whole monthly list."""
    alerts = HighCostAlert.objects.filter(**region_filter(user, "county"))
    department = officer_department(user)
    if department:
        alerts = alerts.filter(department=department).exclude(disposition=HighCostAlert.Disposition.REPORTED)
    return alerts


# The order of the alert list, and in which an officer works through their queue.
QUEUE_ORDER = ("-period", "county_id", "claimant_id", "pk")


def unanswered_alerts(user: User) -> QuerySet[HighCostAlert]:
    """A department officer's queue: the first pushes to them still without a result (carried-over rows are
    answered on their first push)."""
    return alerts_visible_to(user).filter(result="", disposition=HighCostAlert.Disposition.PUSHED)


def unanswered_count(user: User) -> int | None:
    """Alerts waiting for a department officer's answer (first pushes without a result), shown beside the
    menu entry; other roles have no queue to answer."""
    if officer_department(user) is None or not user.region_id:
        return None
    return unanswered_alerts(user).count()


def next_unanswered(*, user: User, after: HighCostAlert) -> HighCostAlert | None:
    """The alert to answer after ``after``: the next unanswered one of the user's queue in list order, or
    the first one left before it when the end of the list is reached; ``None`` when the queue is empty."""
    queue = unanswered_alerts(user).exclude(pk=after.pk).order_by(*QUEUE_ORDER)
    later = (
        Q(period__lt=after.period)
        | Q(period=after.period, county_id__gt=after.county_id)
        | Q(period=after.period, county_id=after.county_id, claimant_id__gt=after.claimant_id)
        | Q(period=after.period, county_id=after.county_id, claimant_id=after.claimant_id, pk__gt=after.pk)
    )
    return queue.filter(later).first() or queue.first()


def get_alert_for_user(*, user: User, alert_id: int) -> HighCostAlert:
    return get_object_or_404(
        alerts_visible_to(user).select_related(
            "claimant",
            "hukou_region",
            "insured_region",
            "county",
            "carried_from",
            "answered_by",
            "certification",
        ),
        pk=alert_id,
    )


def batches_visible_to(user: User) -> QuerySet[PushBatch]:
    return PushBatch.objects.filter(**region_filter(user, "region")).select_related("region")


def batch_alerts(*, user: User, batch: PushBatch) -> QuerySet[HighCostAlert]:
    return (
        alerts_visible_to(user)
        .filter(batch=batch)
        .select_related(
            "claimant", "hukou_region__parent__parent__parent", "insured_region__parent__parent__parent"
        )
        .order_by("department", "hukou_region", "claimant")
    )


def metrics(*, user: User, now: dt.datetime | None = None) -> dict[str, int]:
    """Pushed, answered, overdue (no answer within the jurisdiction's feedback days) and certified, over the
    alerts first pushed to the user's scope (carried-over rows are the same alert, counted once)."""
    now = now or timezone.now()
    feedback_days = rule_for(user.jurisdiction).feedback_days
    pushed = Q(disposition=HighCostAlert.Disposition.PUSHED)
    return alerts_visible_to(user).aggregate(
        pushed=Count("pk", filter=pushed),
        answered=Count("pk", filter=pushed & ~Q(result="")),
        overdue=Count(
            "pk", filter=pushed & Q(result="", created_at__lt=now - dt.timedelta(days=feedback_days))
        ),
        certified=Count("pk", filter=Q(result=HighCostAlert.Result.CERTIFIED)),
    ) | {"feedback_days": feedback_days}


RUN_COUNTERS = ("regions_total", "regions_done", *COUNTED)


def runs_visible_to(user: User) -> QuerySet[AlertRun]:
    """Runs that covered the user's region: the scheduled ones (every city), and manual runs over the user's
    region, a region above it or one inside it. Another city's manual run is not the user's."""
    code = user.region_id or ""
    ancestors = [code[:n] for n in (2, 4, 6) if n < len(code)]
    return AlertRun.objects.filter(
        Q(region__isnull=True) | Q(region_id__in=ancestors) | Q(region__code__startswith=code)
    )


def run_counts(run: AlertRun, user: User) -> dict[str, int]:
    """The run's counters as the user may see them: the run's own when it lay inside the user's region,
    else the sums of its counties in the user's region (``RunCounty``)."""
    if run.region_id and in_region(run.region_id, user):
        return {name: getattr(run, name) for name in RUN_COUNTERS}
    counties = counties_to_run(period=run.period, region=user.region_id)
    sums = RunCounty.objects.filter(run=run, county_id__in=counties).aggregate(
        regions_done=Count("pk", filter=Q(finished_at__isnull=False)),
        **{name: Coalesce(Sum(name), 0) for name in COUNTED},
    )
    return {"regions_total": len(counties), **sums}


def recent_runs(user: User, limit: int = 10) -> list[AlertRun]:
    """The latest runs that covered the user's region, each with the counts of that region only."""
    runs = list(runs_visible_to(user).select_related("started_by")[:limit])
    for run in runs:
        for name, value in run_counts(run, user).items():
            setattr(run, name, value)
        run.stuck = is_stuck(run)
        run.resumable = run.stuck and run.regions_done < run.regions_total  # of the user's region
    return runs


def certified_from_alerts(user: User) -> QuerySet[HighCostAlert]:
    """People newly certified through alert feedback, with their visits (for medical security to re-settle)."""
    return (
        alerts_visible_to(user)
        .filter(result=HighCostAlert.Result.CERTIFIED)
        .select_related("claimant", "hukou_region", "certification", "answered_by")
        .prefetch_related(Prefetch("claimant__visits", queryset=Visit.objects.order_by("discharged")))
        .order_by("-answered_at")
    )
