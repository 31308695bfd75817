"""The application panels of the dashboards: open and overdue cases and the median time of each step."""

import datetime as dt
import statistics

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from applications.models import OPEN_STATES, State
from monitoring.dashboards.models import (
    ApplicationRollup,
    ApplicationStep,
)
from monitoring.dashboards.selectors.base import (
    Panel,
    Scope,
)


def _application_rollups(scope: Scope) -> QuerySet[ApplicationRollup]:
    return ApplicationRollup.objects.filter(aid_year=scope.year, region__code__startswith=scope.region.code)


# percentile_cont(0.5) without sorting: the step's rows in scope are counted (``StepRollup``), then the middle
# one (or the two middle ones, averaged) is read at its offset from the index on (year, step, time, region).
STEP_MEDIANS_SQL = """
SELECT c.step, (min(m.seconds) + max(m.seconds)) / 2 / 86400
FROM (
    SELECT step, sum(steps) AS steps FROM monitoring_steprollup
    WHERE aid_year = %(year)s AND region_id LIKE %(region)s
    GROUP BY step
) c
CROSS JOIN LATERAL (
    SELECT date_part('epoch', s.time_taken) AS seconds FROM monitoring_applicationstep s
    WHERE s.aid_year = %(year)s AND s.step = c.step AND s.region_id LIKE %(region)s
    ORDER BY s.time_taken
    OFFSET (c.steps - 1) / 2 LIMIT 2 - c.steps %% 2
) m
GROUP BY c.step
"""


def step_medians(scope: Scope) -> dict[str, float]:
    """Median days spent in each step: from the event that entered a state to the event that left it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(STEP_MEDIANS_SQL, {"year": scope.year, "region": scope.region.code + "%"})
            return {step: float(median) for step, median in cursor.fetchall()}
    steps = ApplicationStep.objects.filter(aid_year=scope.year, region__code__startswith=scope.region.code)
    durations: dict[str, list[float]] = {}
    for step, time_taken in steps.values_list("step", "time_taken"):
        durations.setdefault(step, []).append(time_taken.total_seconds() / 86400)
    return {step: statistics.median(values) for step, values in durations.items()}


def application_panels(scope: Scope, today: dt.date) -> list[Panel]:
    """Applications by step with overdue ones and the median time per step; overdue per township."""
    applications = _application_rollups(scope)
    overdue = Q(state__in=OPEN_STATES, due_on__lt=today)
    counts = {
        row["state"]: row
        for row in applications.values("state").annotate(
            n=Sum("applications"), late=Coalesce(Sum("applications", filter=overdue), 0)
        )
    }
    medians = step_medians(scope)
    steps = Panel(
        "applications_by_step",
        _("救助申请（按办理环节）"),
        [_("环节"), _("申请数"), _("超期"), _("办理时长中位数（天）")],
        [
            [
                label,
                counts.get(state, {}).get("n", 0),
                counts.get(state, {}).get("late", 0),
                round(medians[state], 1) if state in medians else None,
            ]
            for state, label in State.choices
        ],
        chart_columns=(1, 2),
        total_columns=(1, 2),
    )
    townships = (
        applications.filter(overdue)
        .values("region_id", "region__name")
        .annotate(n=Sum("applications"))
        .filter(n__gt=0)
        .order_by("-n", "region_id")
    )
    by_township = Panel(
        "overdue_by_township",
        _("超期申请（按乡镇）"),
        [_("乡镇（街道）"), _("区划代码"), _("超期申请数")],
        [[row["region__name"], row["region_id"], row["n"]] for row in townships],
        chart_columns=(2,),
        total_columns=(2,),
    )
    return [steps, by_township]


# Monitoring -------------------------------------------------------------------------------------------
