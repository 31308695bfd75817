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
import io
import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as KombuOperationalError
from openpyxl import Workbook

from claimants import categories, roles, spreadsheets
from claimants.models import Certification, Region, User
from claimants.services import audit, certify
from core.certifications import in_force_sql
from core.errors import DomainError
from core.regions import in_region
from core.roles import Department, officer_department
from jurisdictions import registry
from monitoring import totals
from monitoring.dashboards import casework
from monitoring.errors import MonitoringError
from monitoring.models import (
    AlertRun,
    AmountBasis,
    HighCostAlert,
    MonitoringRule,
    PendingHit,
    PushBatch,
    RunCounty,
)
from settlements.models import PolicyYear

logger = logging.getLogger(__name__)

PUSH_DEPARTMENTS = (Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION)
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
    ``RunCounty`` row counts it once in the run's progress, however often the task is delivered. A county
    with nobody over the threshold gets no push batch (an empty month hands nothing over). A county whose
    batch for the period is already finished is a no-op, so a second run pushes nobody twice; the unique
    constraint on (person, period, department) backs that with ``ON CONFLICT DO NOTHING``. Returns the
    county's batch, or None.
    """
    region = Region.objects.get(code=county)
    threshold = threshold_for(jurisdiction=region.jurisdiction, year=run.period.year)
    if threshold is None:
        raise DomainError(MonitoringError.NO_POLICY_YEAR, year=run.period.year)
    unit, _ = RunCounty.objects.select_for_update().get_or_create(run=run, county=region)
    batch = PushBatch.objects.filter(period=run.period, region=region).first()
    if unit.finished_at is not None:  # a task delivered twice: counted once
        return batch
    counts = {"hits": 0, "pushed": 0, "carried_over": 0, "reported": 0}
    if batch is not None or PendingHit.objects.filter(run=run, county=region).exists():
        batch, created = PushBatch.objects.get_or_create(
            period=run.period, region=region, defaults={"run": run, "threshold": threshold}
        )
        if not created:
            batch = PushBatch.objects.select_for_update().get(pk=batch.pk)
        finishing = batch.finished_at is None
        if finishing:
            batch.run = run
            batch.threshold = threshold
            counts |= _insert_alerts(batch=batch, run=run, jurisdiction=region.jurisdiction)
            batch.finished_at = timezone.now()
            batch.save(update_fields=["run", "threshold", "finished_at"])
        hits, _ = PendingHit.objects.filter(run=run, county=region).delete()
        if finishing:
            counts["hits"] = hits
    unit.finished_at = timezone.now()
    unit.save(update_fields=["finished_at"])
    _count_progress(run, counts)
    return batch


def rural_alerted(jurisdiction: str) -> bool:
    return Department.RURAL_REVITALIZATION in registry.get(jurisdiction).alert_departments


def _insert_alerts(*, batch: PushBatch, run: AlertRun, jurisdiction: str) -> dict[str, int]:
    """Insert the county's alerts with ``ALERTS_SQL``; return how many of each disposition the batch holds."""
    ranking = categories.categories_of(jurisdiction)
    sql = ALERTS_SQL.format(
        categories=", ".join(f"'{code}'" for code in ranking),
        ranked=_ranked(ranking),
        in_force=in_force_sql("cert", "%(cutoff)s"),
    )
    ops = connection.ops
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
                "threshold": batch.threshold,
                "now": ops.adapt_datetimefield_value(timezone.now()),
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
    casework.add_alert_batch(batch.pk)
    by_disposition = dict(
        HighCostAlert.objects.filter(batch=batch)
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


@transaction.atomic
def record_feedback(
    *,
    alert: HighCostAlert,
    by: User,
    result: str,
    category: str = "",
    valid_from: dt.date | None = None,
    reason: str = "",
) -> HighCostAlert:
    """A department's answer to an alert (MY-W2). A certification is created through ``certify`` with
    source ALERT, so medical security sees it at once. A carried-over row is answered on its first push."""
    alert = (
        HighCostAlert.objects.select_for_update()
        .select_related("claimant__hukou_region")
        .get(pk=alert.root.pk)
    )
    if officer_department(by) != alert.department or not in_region(alert.county_id, by):
        raise DomainError(MonitoringError.NOT_YOUR_DEPARTMENT)
    if alert.disposition != HighCostAlert.Disposition.PUSHED:
        raise DomainError(MonitoringError.NOT_PUSHED)
    if alert.result:
        raise DomainError(MonitoringError.ALREADY_ANSWERED)
    if result not in HighCostAlert.Result.values:
        raise DomainError(MonitoringError.UNKNOWN_RESULT, result=result)
    if result == HighCostAlert.Result.CERTIFIED:
        if not category or valid_from is None:
            raise DomainError(MonitoringError.CATEGORY_REQUIRED)
        if categories.certifying_department(category) != alert.department:
            raise DomainError(
                MonitoringError.CATEGORY_NOT_YOUR_DEPARTMENT, category=categories.CATEGORIES[category].label
            )
        alert.certification = certify(
            by=by,
            claimant=alert.claimant,
            category=category,
            valid_from=valid_from,
            source=Certification.Source.ALERT,
            note=f"高额费用预警 {alert.period:%Y-%m}",
        )
    elif result == HighCostAlert.Result.NOT_ELIGIBLE and not reason.strip():
        raise DomainError(MonitoringError.REASON_REQUIRED)
    alert.result = result
    alert.reason = reason.strip()
    alert.answered_by = by
    alert.answered_at = timezone.now()
    alert.save(update_fields=["result", "reason", "answered_by", "answered_at", "certification"])
    casework.add_alert_answer(alert)
    return alert


HANDOVER_COLUMNS = (
    gettext_lazy("姓名"),
    gettext_lazy("身份证号"),
    gettext_lazy("户籍所在地"),
    gettext_lazy("参保地"),
    gettext_lazy("年度累计自付费用"),
    gettext_lazy("预警标准"),
    gettext_lazy("预警月份"),
    gettext_lazy("预警类型"),
    gettext_lazy("截止日所持类别"),
    gettext_lazy("处理方式"),
    gettext_lazy("接收部门"),
)


def export_batch(*, batch: PushBatch, alerts, by: User) -> bytes:
    """The push batch as an XLSX hand-over file: its purpose is the hand-over itself, so full ID numbers
    go to ``JIUZHU_FULL_ID_EXPORT_ROLES`` without asking, audited with the row count and the people."""
    full_ids = roles.may_export_full_ids(by)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{batch.period:%Y-%m} {batch.region.name}")
    spreadsheets.append(sheet, [str(column) for column in HANDOVER_COLUMNS])
    people = []
    for alert in alerts:
        claimant = alert.claimant
        spreadsheets.append(
            sheet,
            (
                claimant.name,
                claimant.id_number if full_ids else claimant.masked_id_number,
                alert.hukou_region.full_name,
                alert.insured_region.full_name,
                alert.amount,
                alert.threshold,
                f"{alert.period:%Y-%m}",
                alert.get_kind_display(),
                categories.CATEGORIES[alert.category_held].label if alert.category_held else "",
                alert.get_disposition_display(),
                alert.get_department_display(),
            ),
        )
        people.append(claimant.pk)
    if full_ids:
        audit(user=by, action="export_full_id_numbers", target=batch, rows=len(people), claimant_ids=people)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
