"""The monitoring panel of the dashboards: the monthly high-cost alerts and the departments' answers."""

import datetime as dt

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Department
from monitoring.dashboards.models import (
    AlertRollup,
)
from monitoring.dashboards.selectors.base import (
    Panel,
    Scope,
)
from monitoring.services import rule_for


def monitoring_panels(scope: Scope, now: dt.datetime | None = None) -> list[Panel]:
    """Alerts pushed, answered, certified and overdue, per department and per region."""
    now = now or timezone.now()
    feedback_days = rule_for(scope.region.jurisdiction).feedback_days
    alerts = AlertRollup.objects.filter(period__year=scope.year, region__code__startswith=scope.region.code)
    measures = {
        "n_pushed": Sum("pushed"),
        "n_answered": Sum("answered"),
        "n_certified": Sum("certified"),
        "n_overdue": Coalesce(
            Sum(F("pushed") - F("answered"), filter=Q(pushed_at__lt=now - dt.timedelta(days=feedback_days))),
            0,
        ),
    }
    headers = [_("推送"), _("已反馈"), _("已认定"), _("超期未反馈")]
    rows = alerts.values("department", child=Substr("region_id", 1, scope.child_length)).annotate(**measures)
    by_department: dict[str, list[int]] = {}
    by_region: dict[str, list[int]] = {}
    for row in rows.order_by():
        figures = [row[k] for k in measures]
        for totals, key in ((by_department, row["department"]), (by_region, row["child"])):
            totals[key] = [a + b for a, b in zip(totals.get(key, [0] * len(figures)), figures, strict=True)]
    departments = dict(Department.choices)
    department_panel = Panel(
        "alerts_by_department",
        _("高额费用预警（按部门）"),
        [_("接收部门"), *headers],
        [[departments.get(code, code), *figures] for code, figures in sorted(by_department.items())],
        chart_columns=(1, 2, 3, 4),
        note=str(_("反馈时限：%(days)s 天") % {"days": feedback_days}),
        total_columns=(1, 2, 3, 4),
    )
    names = scope.child_names
    region_panel = Panel(
        "alerts_by_region",
        _("高额费用预警（按地区）"),
        [_("地区"), *headers],
        [[names.get(code, code), *figures] for code, figures in sorted(by_region.items())],
        chart_columns=(1, 2, 3, 4),
        total_columns=(1, 2, 3, 4),
    )
    return [department_panel, region_panel]
