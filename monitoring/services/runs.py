"""The monthly high-cost alert job and the department feedback on its alerts.

Rule (RULES.md 3.9 MY-W1): 「…普通门诊、门诊慢特病和住院经基本医保、大病保险支付后，个人年度累计自付医疗费用超过
绵阳市上年居民人均可支配收入 50% 的人员信息…每月 10 日前推送至同级民政、乡村振兴部门」.

Readings (docs/monitoring.md has the details):
- Measure: per person, over the visits discharged in the policy year up to the cut-off,
  ``policy_scope_cost - basic_insurance_paid - 大病 - supplementary_paid`` (A-MY5 policy-scope self-pay;
  Clarification 26: 大病 is the given ``critical_illness_paid``, else the tier the visit's settlement
  computed, else 0). ``MonitoringRule.amount_basis = all_personal`` adds ``fully_self_paid``. Every visit
  type counts (普通门诊, 门诊慢特病, 住院, and Beijing's 急诊留观, which belongs to the inpatient pool). The
  job reads these sums from the person-year totals (``monitoring.totals``), not from the visits.
- Period and cut-off (A-MY6): the job run in month M covers data to the end of month M-1; the alert's
  period is that month and the policy year is the cut-off's year.
- 「超过」 is strictly above: a total exactly at the threshold is not an alert.
- A person is pushed once per month and department; one pushed earlier and still unanswered is carried
  over, not pushed again (A-MY7: every month lists everyone over the threshold, flagged).
"""

import calendar
import datetime as dt
import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from claimants.models import Region, User
from core.errors import DomainError
from monitoring import totals
from monitoring.errors import MonitoringError
from monitoring.models import (
    AlertRun,
    AmountBasis,
    MonitoringRule,
    PendingHit,
    RunCounty,
)
from settlements.models import PolicyYear

logger = logging.getLogger(__name__)

RETURNING_CATEGORY = "monitored_rural"  # 防止返贫监测对象: an alert on them is 因病返贫
CENT = Decimal("0.01")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(period: dt.date) -> dt.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def previous_period(today: dt.date) -> dt.date:
    """The month whose data a run on ``today`` covers: the previous calendar month."""
    return month_start(month_start(today) - dt.timedelta(days=1))


def rule_for(jurisdiction: str) -> MonitoringRule:
    return MonitoringRule.objects.filter(jurisdiction=jurisdiction).first() or MonitoringRule(
        jurisdiction=jurisdiction
    )


def threshold_for(*, jurisdiction: str, year: int) -> Decimal | None:
    """``alert_threshold_rate`` × ``income_last_year`` of the policy year, half-up to the cent."""
    policy_year = PolicyYear.objects.filter(jurisdiction=jurisdiction, year=year).first()
    if policy_year is None:
        return None
    return (policy_year.alert_threshold_rate * policy_year.income_last_year).quantize(CENT, ROUND_HALF_UP)


def county_prefix(region_code: str | None) -> str:
    """The code prefix of the counties a run over ``region_code`` covers ("" = every county). Below a
    county, the county: the job's unit of work is one county."""
    return (region_code or "")[:6]


def counties_to_run(*, period: dt.date, region: str | None = None) -> list[str]:
    """County codes of every jurisdiction that has a policy year for the period and the alert enabled,
    within ``region`` when given (a manager's run)."""
    disabled = MonitoringRule.objects.filter(enabled=False).values("jurisdiction")
    jurisdictions = (
        PolicyYear.objects.filter(year=period.year).exclude(jurisdiction__in=disabled).values("jurisdiction")
    )
    return list(
        Region.objects.filter(
            level=Region.Level.COUNTY, jurisdiction__in=jurisdictions, code__startswith=county_prefix(region)
        )
        .order_by("code")
        .values_list("code", flat=True)
    )


def out_of_pocket_sql(amount_basis: str, prefix: str = "") -> str:
    """The per-visit personal cost after basic insurance, 大病 insurance (A-MY5; Clarification 26: the given
    amount or, for a settled visit, the tier its settlement computed) and the supplementary insurance paid
    before assistance (Clarification 23), as SQL on the visit (its columns qualified by ``prefix``)."""
    amount = totals.self_pay_sql(prefix)
    if amount_basis == AmountBasis.ALL_PERSONAL:
        amount += f" + {prefix}fully_self_paid"
    return amount


def year_total_sql(amount_basis: str) -> str:
    """The same cost summed over a person's year, as SQL on the person-year total ``t``."""
    return "t.self_pay + t.fully_self_paid" if amount_basis == AmountBasis.ALL_PERSONAL else "t.self_pay"


# The job's one pass: the person-year totals (``monitoring.totals``) of the policy year above the lowest
# threshold, read from their (year, self_pay) index, instead of every visit of the year. A person whose year
# has visits discharged after the cut-off (the run of a month before the latest data) has those subtracted,
# read by person from the visits; the others need no visit read. Only the hits are then looked up, one
# primary-key probe each; their household registration decides the county and the jurisdiction, hence the
# threshold. Never a query per person or per county.
MEASURE_SQL = """
INSERT INTO monitoring_pendinghit (run_id, claimant_id, county_id, hukou_region_id, insured_region_id, amount)
WITH candidates AS MATERIALIZED (
    SELECT t.claimant_id,
           {total} - COALESCE((SELECT SUM({amount}) FROM settlements_visit v
                               WHERE t.last_discharged > %(cutoff)s AND v.claimant_id = t.claimant_id
                                 AND v.year = %(year)s AND v.discharged > %(cutoff)s), 0) AS amount
    FROM monitoring_personyeartotal t
    WHERE t.year = %(year)s AND {total} > CAST(%(lowest)s AS DECIMAL)
),
hits AS MATERIALIZED (
    SELECT t.claimant_id, t.amount,
           (SELECT c.hukou_region_id FROM claimants_claimant c WHERE c.id = t.claimant_id) AS hukou_region_id,
           (SELECT c.insured_region_id FROM claimants_claimant c WHERE c.id = t.claimant_id) AS insured_region_id
    FROM candidates t
    WHERE t.amount > CAST(%(lowest)s AS DECIMAL)
)
SELECT %(run)s, h.claimant_id, r.code, h.hukou_region_id, h.insured_region_id, h.amount
FROM hits h
JOIN claimants_region r ON r.code = SUBSTR(h.hukou_region_id, 1, 6) AND r.level = %(county_level)s
WHERE h.amount > CASE r.jurisdiction {thresholds} END AND r.code LIKE %(scope)s
"""


def aggregate_settings(cursor) -> None:
    """For the rest of the transaction, on PostgreSQL: a serial plan (the job reads a range of the totals'
    index; a parallel plan only adds start-up cost) and no JIT compilation, whose cost estimate (inflated by
    the per-hit lookups) would spend a second or more compiling a query that runs in well under one."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL jit = off")


@transaction.atomic
def measure_run(*, run: AlertRun) -> int:
    """Find everyone over their jurisdiction's threshold for the run's period, once for the whole run, and keep
    them as ``PendingHit`` rows for the county subtasks. Repeating it replaces the run's earlier rows."""
    PendingHit.objects.filter(run=run).delete()
    by_basis: dict[str, dict[str, Decimal]] = defaultdict(dict)
    counties = Region.objects.filter(code__in=counties_to_run(period=run.period, region=run.region_id))
    for jurisdiction in counties.values_list("jurisdiction", flat=True).order_by().distinct():
        threshold = threshold_for(jurisdiction=jurisdiction, year=run.period.year)
        by_basis[rule_for(jurisdiction).amount_basis][jurisdiction] = threshold
    hits = 0
    with connection.cursor() as cursor:
        aggregate_settings(cursor)
        for basis, thresholds in by_basis.items():
            cases = " ".join(f"WHEN %(j{i})s THEN CAST(%(t{i})s AS DECIMAL)" for i in range(len(thresholds)))
            params = {
                "run": run.pk,
                "year": run.period.year,
                "cutoff": run.cutoff,
                "lowest": min(thresholds.values()),
                "county_level": Region.Level.COUNTY,
                "scope": county_prefix(run.region_id) + "%",
            }
            for i, (jurisdiction, threshold) in enumerate(thresholds.items()):
                params |= {f"j{i}": jurisdiction, f"t{i}": threshold}
            sql = MEASURE_SQL.format(
                total=year_total_sql(basis), amount=out_of_pocket_sql(basis, "v."), thresholds=cases
            )
            cursor.execute(sql, params)
            hits += cursor.rowcount
    return hits


@transaction.atomic
def start_run(
    *,
    period: dt.date,
    trigger: str,
    by: User | None = None,
    today: dt.date | None = None,
    region: str | None = None,
) -> AlertRun:
    """Record a run of the monthly job for ``period`` over ``region`` (None: every city); the caller fans it
    out (see ``tasks``)."""
    today = today or timezone.localdate()
    period = month_start(period)
    if month_end(period) >= today:
        raise DomainError(MonitoringError.PERIOD_IN_FUTURE)
    if period.year < 2000:
        raise DomainError(MonitoringError.PERIOD_TOO_EARLY)
    return AlertRun.objects.create(
        period=period,
        cutoff=month_end(period),
        trigger=trigger,
        started_by=by,
        region_id=region,
        regions_total=len(counties_to_run(period=period, region=region)),
    )


def request_run(*, period: dt.date, by: User) -> AlertRun:
    """The run-now button: record the run over the manager's own region and hand it to the workers once
    committed (in-process when eager). A manager never creates another city's alerts nor finishes its
    push batches."""
    with transaction.atomic():
        run = start_run(period=period, trigger=AlertRun.Trigger.MANUAL, by=by, region=by.region_id)
        run.status = AlertRun.Status.QUEUED
        run.save(update_fields=["status"])
        transaction.on_commit(lambda: dispatch_run(run))
    run.refresh_from_db()
    return run


def dispatch_run(run: AlertRun) -> bool:
    """Hand a queued run to the workers. When the broker cannot be reached the run stays ``queued``, the
    page says so, and ``dispatch_queued_runs`` (every few minutes, from beat) sends it once it is back:
    never a server error, never a run that nobody will run."""
    from monitoring.tasks import run_monthly_alerts_task

    try:
        run_monthly_alerts_task.delay(run_id=run.pk)
    except (KombuOperationalError, ConnectionError, OSError):
        logger.warning(
            "monthly alert run %s stays queued: the task queue cannot be reached", run.pk, exc_info=True
        )
        return False
    return True


def dispatch_queued_runs() -> int:
    """Send every queued run again (the sweeper); returns how many reached the queue."""
    return sum(dispatch_run(run) for run in AlertRun.objects.filter(status=AlertRun.Status.QUEUED))


def begin_run(run_id: int) -> AlertRun | None:
    """A worker picks a run up: queued becomes running (once, whoever comes first); None if it is not
    queued or running any more (finished, failed, or taken)."""
    now = timezone.now()
    AlertRun.objects.filter(pk=run_id, status=AlertRun.Status.QUEUED).update(
        status=AlertRun.Status.RUNNING, progressed_at=now
    )
    return AlertRun.objects.filter(pk=run_id, status=AlertRun.Status.RUNNING).first()


# A running run with no county finished for this long is stuck (a worker died holding a county task and the
# broker has not handed it out again yet): the longest county task takes a few seconds at city scale.
STUCK_AFTER = dt.timedelta(minutes=15)


def is_stuck(run: AlertRun, now: dt.datetime | None = None) -> bool:
    last = run.progressed_at or run.started_at
    return run.status == AlertRun.Status.RUNNING and (now or timezone.now()) - last > STUCK_AFTER


def resume_run(*, run: AlertRun, by: User) -> int:
    """A manager resumes a stuck run: the counties of the manager's region (within the run's) that the run
    has not finished are sent again (each county task is idempotent: a finished county or push batch is a
    no-op, alerts are unique per person, month and department). Returns how many counties were sent."""
    from monitoring.tasks import alert_county_task

    if not is_stuck(run):
        raise DomainError(MonitoringError.RUN_NOT_STUCK)
    finished = set(
        RunCounty.objects.filter(run=run, finished_at__isnull=False).values_list("county_id", flat=True)
    )
    in_run = set(counties_to_run(period=run.period, region=run.region_id))
    missing = [
        county
        for county in counties_to_run(period=run.period, region=by.region_id)
        if county in in_run and county not in finished
    ]
    AlertRun.objects.filter(pk=run.pk).update(progressed_at=timezone.now())
    if missing and not PendingHit.objects.filter(run=run, county_id__in=missing).exists():
        measure_run(run=run)  # the run died in its first pass, before the hits were kept: measure again
        PendingHit.objects.filter(run=run, county_id__in=finished).delete()
    for county in missing:
        alert_county_task.delay(run.pk, county)
    return len(missing)


def finish_empty_run(*, run: AlertRun) -> None:
    """A run with no county to work on is finished at once."""
    AlertRun.objects.filter(pk=run.pk, regions_total=0).update(
        status=AlertRun.Status.FINISHED, finished_at=timezone.now()
    )


def describe_failure(exc: Exception) -> str:
    """The error a failed run shows: its kind and first line, never empty (an overflow's message is)."""
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__


def fail_run(*, run_id: int, error: str) -> None:
    AlertRun.objects.filter(pk=run_id, status__in=(AlertRun.Status.RUNNING, AlertRun.Status.QUEUED)).update(
        status=AlertRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
