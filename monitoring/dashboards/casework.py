"""Keep the alert and application roll-ups of the dashboards current (``models.py``).

Kept by the actions that change them, as explicit calls in their transactions: the monthly job's county step
(``monitoring.services.alerts.alert_county``) adds its batch in one ``INSERT … SELECT … ON CONFLICT DO UPDATE``,
``record_feedback`` adds its answer, and the application services call ``follow_application`` through
``applications.services.APPLICATION_FOLLOWERS`` (``settlements`` may not import ``monitoring``): it moves the
application from the row of its former state and deadline to the new one and records the step the action
ended. What changes with the clock alone (overdue alerts and applications) is kept per push time and per
deadline, so the dashboard sums the rows before today's cut-off (``docs/dashboards.md``). ``rebuild()``
recomputes the four tables from the alerts, applications and case events (``rollups.rebuild`` calls it).
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Q

from applications.models import CaseEvent
from monitoring.dashboards.models import NO_DEADLINE, ApplicationStep

ALERT_ROLLUP_SQL = """
INSERT INTO monitoring_alertrollup (period, department, region_id, pushed_at, pushed, answered, certified)
SELECT period, department, hukou_region_id, created_at,
    sum(CASE WHEN disposition = 'pushed' THEN 1 ELSE 0 END),
    sum(CASE WHEN disposition = 'pushed' AND result <> '' THEN 1 ELSE 0 END),
    sum(CASE WHEN result = 'certified' THEN 1 ELSE 0 END)
FROM monitoring_highcostalert
WHERE {where}
GROUP BY period, department, hukou_region_id, created_at
ON CONFLICT (period, department, region_id, pushed_at) DO UPDATE SET
    pushed = monitoring_alertrollup.pushed + excluded.pushed,
    answered = monitoring_alertrollup.answered + excluded.answered,
    certified = monitoring_alertrollup.certified + excluded.certified
"""

ALERT_ANSWER_SQL = """
INSERT INTO monitoring_alertrollup (period, department, region_id, pushed_at, pushed, answered, certified)
VALUES (%s, %s, %s, %s, 0, 1, %s)
ON CONFLICT (period, department, region_id, pushed_at) DO UPDATE SET
    answered = monitoring_alertrollup.answered + 1,
    certified = monitoring_alertrollup.certified + excluded.certified
"""

# The conflict target repeats the key's expression (``models.NO_DEADLINE``) so both databases find the index.
APPLICATION_ROLLUP_SQL = """
INSERT INTO monitoring_applicationrollup (aid_year, region_id, state, due_on, applications)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (aid_year, region_id, state, COALESCE(due_on, '0001-01-01')) DO UPDATE SET
    applications = monitoring_applicationrollup.applications + excluded.applications
"""

STEP_ROLLUP_SQL = """
INSERT INTO monitoring_steprollup (aid_year, region_id, step, steps) VALUES (%s, %s, %s, 1)
ON CONFLICT (aid_year, region_id, step) DO UPDATE SET steps = monitoring_steprollup.steps + 1
"""


def add_alert_batch(batch_id: int, pushed_at: dt.datetime) -> None:
    """Add the alerts one county's batch has just been given, all pushed at ``pushed_at`` (one statement, in
    the job's transaction; a batch handed over before keeps its earlier alerts, counted then)."""
    with connection.cursor() as cursor:
        cursor.execute(
            ALERT_ROLLUP_SQL.format(where="batch_id = %s AND created_at = %s"),
            [batch_id, connection.ops.adapt_datetimefield_value(pushed_at)],
        )


def add_alert_answer(alert) -> None:
    """Count a department's answer to a pushed alert (``record_feedback``)."""
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            ALERT_ANSWER_SQL,
            [
                ops.adapt_datefield_value(alert.period),
                alert.department,
                alert.hukou_region_id,
                ops.adapt_datetimefield_value(alert.created_at),
                int(alert.result == "certified"),
            ],
        )


def move_application(application, before: tuple | None) -> None:
    """Take the application out of the row of its former (state, deadline), if any, and into its current one.

    The two rows are written in key order, so two actions moving applications between the same two rows in
    opposite directions wait for each other instead of deadlocking."""
    ops = connection.ops
    moves = [(application.state, application.due_on, 1)]
    if before is not None:
        moves.append((*before, -1))
    moves.sort(key=lambda move: (move[0], move[1] or NO_DEADLINE))
    with connection.cursor() as cursor:
        for state, due_on, sign in moves:
            cursor.execute(
                APPLICATION_ROLLUP_SQL,
                [application.aid_year, application.region_id, state, ops.adapt_datefield_value(due_on), sign],
            )


def add_step(application, event) -> None:
    """Record the step the event ends: from the application's previous event (in timeline order) to this one."""
    if not event.from_state:
        return
    started = (
        CaseEvent.objects.filter(application_id=application.pk)
        .filter(Q(at__lt=event.at) | Q(at=event.at, pk__lt=event.pk))
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    if started is None:
        return
    ApplicationStep.objects.create(
        aid_year=application.aid_year,
        region_id=application.region_id,
        step=event.from_state,
        time_taken=event.at - started,
    )
    with connection.cursor() as cursor:
        cursor.execute(STEP_ROLLUP_SQL, [application.aid_year, application.region_id, event.from_state])


def follow_application(*, application, before: tuple | None, event) -> None:
    """The hook ``applications.services`` calls after each change to an application."""
    if before != (application.state, application.due_on):
        move_application(application, before)
    add_step(application, event)


REBUILD_SQL = (
    "DELETE FROM monitoring_alertrollup",
    "DELETE FROM monitoring_applicationrollup",
    ALERT_ROLLUP_SQL.format(where="true"),
    """
    INSERT INTO monitoring_applicationrollup (aid_year, region_id, state, due_on, applications)
    SELECT aid_year, region_id, state, due_on, count(*)
    FROM settlements_assistanceapplication
    GROUP BY aid_year, region_id, state, due_on
    """,
    "DELETE FROM monitoring_applicationstep",
    """
    INSERT INTO monitoring_applicationstep (aid_year, region_id, step, time_taken)
    SELECT a.aid_year, a.region_id, e.from_state, {time_taken}
    FROM (
        SELECT ev.application_id, ev.from_state, ev.at,
               LAG(ev.at) OVER (PARTITION BY ev.application_id ORDER BY ev.at, ev.id) AS started
        FROM settlements_caseevent ev
    ) e
    JOIN settlements_assistanceapplication a ON a.id = e.application_id
    WHERE e.from_state <> '' AND e.started IS NOT NULL
    """,
    "DELETE FROM monitoring_steprollup",
    """
    INSERT INTO monitoring_steprollup (aid_year, region_id, step, steps)
    SELECT aid_year, region_id, step, count(*) FROM monitoring_applicationstep GROUP BY aid_year, region_id, step
    """,
)


@transaction.atomic
def rebuild() -> None:
    """Recompute the alert and application roll-ups from the alerts, applications and case events."""
    # SQLite keeps a duration as microseconds and a time as text ("YYYY-MM-DD HH:MM:SS[.ffffff]"): whole
    # seconds apart, plus the difference of the fractions, exactly.
    time_taken = (
        "e.at - e.started"
        if connection.vendor == "postgresql"
        else "(CAST(strftime('%%s', e.at) AS INTEGER) - CAST(strftime('%%s', e.started) AS INTEGER)) * 1000000"
        " + CAST(substr(e.at, 21, 6) AS INTEGER) - CAST(substr(e.started, 21, 6) AS INTEGER)"
    )
    with connection.cursor() as cursor:
        for statement in REBUILD_SQL:
            cursor.execute(statement.replace("{time_taken}", time_taken), [])
