"""The dashboards' aggregates, for one region subtree and one year, always inside the user's scope.

Every figure comes from the roll-ups (``models.py``): settlements kept current by every settlement and
reversal, alerts by the monthly job and the departments' answers, applications and their steps by the case
actions (``casework.py``). What depends on the clock (overdue) is a sum over the rows before a cut-off. Each
panel is a table (the figures a person reads) with the columns its chart draws, so the chart, the table beside
it and its XLSX export never disagree.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import OPEN_STATES, State
from claimants import categories
from claimants.hooks import Hook
from claimants.models import Region, User
from claimants.selectors import regions_visible_to
from core.regions import region_lookup
from core.roles import Department
from jurisdictions import registry
from monitoring.dashboards.models import (
    AlertRollup,
    ApplicationRollup,
    ApplicationStep,
    HospitalRollup,
    PersonYearRollup,
    SettlementRollup,
    TierRollup,
)
from monitoring.services import rule_for
from settlements.models.settlement import fund_choices
from settlements.money import MoneySum, format_money, to_cent
from settlements.policy.engine import fund_of

ZERO = Decimal("0.00")
# TJ-F4: 「医疗救助对象住院就医，政策范围内医疗费用原则上达到总发生费用的90%」.
HOSPITAL_SCOPE_TARGET = Decimal("0.90")
CHILD_CODE_LENGTH = {Region.Level.PROVINCE: 4, Region.Level.CITY: 6, Region.Level.COUNTY: 9}
LARGEST_BURDENS = 10


@dataclass(frozen=True)
class Scope:
    """What a dashboard shows: a region in the user's subtree and a calendar year."""

    region: Region
    year: int

    @property
    def child_length(self) -> int:
        return CHILD_CODE_LENGTH.get(self.region.level, len(self.region.code))

    @cached_property
    def child_names(self) -> dict[str, str]:
        """Names of the regions the panels break the scope into, read once for all of them."""
        children = Region.objects.filter(code__startswith=self.region.code).annotate(length=Length("code"))
        return dict(children.filter(length=self.child_length).values_list("code", "name"))


@dataclass
class Panel:
    """A table, and the chart drawn from it: ``chart_columns`` are the column indexes it plots,
    ``money_columns`` those that hold amounts (written 12,362.50 on the page, numbers in the XLSX),
    ``total_columns`` those added up in the 合计 row under the table on the page."""

    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    chart: str = "bar"
    chart_columns: tuple[int, ...] = (1,)
    note: str = ""
    money_columns: tuple[int, ...] = ()
    total_columns: tuple[int, ...] = ()

    def __post_init__(self):
        # Sums of money come back from SQLite with float noise in the last places (7419.10000000000): every
        # amount is shown, charted and exported to the cent, half-up.
        self.rows = [[to_cent(cell) for cell in row] for row in self.rows]

    @property
    def cells(self) -> list[list[tuple[object, bool]]]:
        """The rows as the page writes them: each cell with whether it is an amount."""
        return [[(cell, i in self.money_columns) for i, cell in enumerate(row)] for row in self.rows]

    @property
    def totals(self) -> list[tuple[object, bool]] | None:
        """The 合计 row (its label in the first column, a blank where a sum means nothing), or ``None``."""
        if not self.total_columns or not self.rows:
            return None
        row: list[tuple[object, bool]] = [(_("合计"), False)]
        for i in range(1, len(self.columns)):
            if i in self.total_columns:
                total = sum((r[i] or 0 for r in self.rows), ZERO if i in self.money_columns else 0)
                row.append((total, i in self.money_columns))
            else:
                row.append(("", False))
        return row

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.key}"

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": str(self.columns[i]), "data": [_number(row[i]) for row in self.rows]}
                for i in self.chart_columns
            ],
        }


def _number(value) -> float | int:
    if isinstance(value, Decimal):
        return float(value)  # chart coordinates only; tables and exports keep the Decimal
    return value or 0


def region_choices(user: User) -> QuerySet[Region]:
    """The user's region and the regions under it down to counties (the dashboards' region filter)."""
    # With their ancestors, so the chosen region's full name in the page header costs no query.
    return (
        regions_visible_to(user)
        .filter(level__lte=max(Region.Level.COUNTY, user.region.level))
        .select_related("parent__parent__parent")
    )


def category_label(code: str) -> str:
    return categories.CATEGORIES[code].label if code in categories.CATEGORIES else str(_("无救助身份"))


# Settlements ------------------------------------------------------------------------------------------


def _settlement_rollups(scope: Scope) -> QuerySet[SettlementRollup]:
    return SettlementRollup.objects.filter(year=scope.year, region__code__startswith=scope.region.code)


def _tiers(held: set[str]) -> dict[str, str]:
    """Tier code -> Chinese name: the tiers of the installed jurisdictions in their order, then any other
    tier the roll-ups hold (a settlement made under a tier no longer installed keeps its rows)."""
    names = {code: name_zh for code, (name_zh, _en) in registry.tiers().items()}
    for code in sorted(held - names.keys()):
        names[code] = code
    return names


def settlement_panels(scope: Scope) -> list[Panel]:
    """Assistance paid by month, category, paying fund (Clarification 25), tier and region, and the fund
    used against the year's budget."""
    rows = list(
        _settlement_rollups(scope)
        .values("month", "category", child=Substr("region_id", 1, scope.child_length))
        .annotate(settlements=Sum("settlements"), assisted=Sum("assisted"), assistance=Sum("assistance"))
        .order_by()
    )
    tier_rows = list(
        TierRollup.objects.filter(year=scope.year, region__code__startswith=scope.region.code)
        .values("month", "tier")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    tiers = _tiers({row["tier"] for row in tier_rows})
    position = {code: index for index, code in enumerate(tiers)}
    by_month = {m: [ZERO] * len(tiers) for m in range(1, 13)}
    for row in tier_rows:
        by_month[row["month"]][position[row["tier"]]] += row["amount"] or ZERO
    by_category: dict[str, list] = {}
    by_child: dict[str, Decimal] = {}
    for row in rows:
        assistance = row["assistance"] or ZERO
        entry = by_category.setdefault(row["category"], [0, 0, ZERO])
        entry[0] += row["settlements"]
        entry[1] += row["assisted"]
        entry[2] += assistance
        by_child[row["child"]] = by_child.get(row["child"], ZERO) + assistance
    tier_labels = [_(name) for name in tiers.values()]
    tier_columns = tuple(range(1, len(tiers) + 1))
    month_panel = Panel(
        "paid_by_month",
        _("救助金额（按月）"),
        [_("月份"), *tier_labels, _("合计")],
        [[f"{scope.year}-{m:02d}", *t, sum(t)] for m, t in by_month.items()],
        chart="bar-stacked",
        chart_columns=tier_columns,
        money_columns=(*tier_columns, len(tiers) + 1),
        total_columns=(*tier_columns, len(tiers) + 1),
    )
    category_panel = Panel(
        "paid_by_category",
        _("救助金额（按救助身份）"),
        [_("救助身份"), _("结算人次"), _("获救助人次"), _("救助金额")],
        sorted(([category_label(c), *v] for c, v in by_category.items()), key=lambda r: r[3], reverse=True),
        chart="doughnut",
        chart_columns=(3,),
        money_columns=(3,),
        total_columns=(1, 2, 3),
    )
    by_fund: dict[str, Decimal] = {}
    for code, (_settled, _assisted, amount) in by_category.items():
        if code:
            by_fund[fund_of(code)] = by_fund.get(fund_of(code), ZERO) + amount
    fund_labels = dict(fund_choices())
    paying_fund_panel = Panel(
        "paid_by_fund",
        _("救助金额（按支付资金）"),
        [_("支付资金"), _("救助金额")],
        [[fund_labels[fund], amount] for fund, amount in sorted(by_fund.items(), key=lambda item: -item[1])],
        chart="doughnut",
        chart_columns=(1,),
        money_columns=(1,),
        total_columns=(1,),
    )
    totals = [sum((t[i] for t in by_month.values()), ZERO) for i in range(len(tiers))]
    tier_panel = Panel(
        "paid_by_tier",
        _("救助金额（按救助层次）"),
        [_("救助层次"), _("金额")],
        [[label, total] for label, total in zip(tier_labels, totals, strict=True)],
        chart="pie",
        money_columns=(1,),
        total_columns=(1,),
    )
    names = scope.child_names
    region_panel = Panel(
        "paid_by_region",
        _("救助金额（按地区）"),
        [_("地区"), _("区划代码"), _("救助金额")],
        [[names.get(code, code), code, amount] for code, amount in sorted(by_child.items())],
        chart="bar",
        chart_columns=(2,),
        money_columns=(2,),
        total_columns=(2,),
    )
    return [
        month_panel,
        category_panel,
        paying_fund_panel,
        tier_panel,
        region_panel,
        fund_panel(scope, sum(totals)),
    ]


# The year's fund budget of a region, from the app that keeps the budgets (finance connects
# ``receiver(region_code=, year=) -> Decimal | None``: the budgets of the fund accounts inside the region, or of
# the account the region belongs to).
FUND_BUDGET = Hook("the year's fund budget of a region")


def fund_panel(scope: Scope, paid: Decimal) -> Panel:
    """Fund use against the year's budgets of the region's fund accounts (a city-pooled fund: a county's
    share is its payments against the city's budget)."""
    budgets = [b for b in FUND_BUDGET.call(region_code=scope.region.code, year=scope.year) if b is not None]
    budget = sum(budgets, Decimal("0.00")) if budgets else None
    share = f"{paid / budget:.1%}" if budget else "—"
    rows = [[_("已支付"), paid, share]]
    if budget:
        rows.append([_("预算结余"), max(budget - paid, ZERO), f"{max(budget - paid, ZERO) / budget:.1%}"])
    return Panel(
        "fund_use",
        _("基金使用（对比年度预算）"),
        [_("项目"), _("金额"), _("占预算")],
        rows,
        chart="doughnut",
        note=str(_("年度预算：%(budget)s 元") % {"budget": format_money(budget)})
        if budget
        else str(_("未设置年度预算")),
        money_columns=(1,),
    )


def cap_panel(scope: Scope) -> Panel:
    """People who reached an annual cap this year (a settlement limited by a cap), by category."""
    rows = (
        _settlement_rollups(scope)
        .filter(cap_reached__gt=0)
        .values("category")
        .annotate(n=Sum("cap_reached"))
        .order_by("-n")
    )
    people = PersonYearRollup.objects.filter(
        year=scope.year, region__code__startswith=scope.region.code, cap_reached__gt=0
    ).count()
    return Panel(
        "caps_reached",
        _("达到年度限额"),
        [_("救助身份"), _("受限额限制的结算人次")],
        [[category_label(row["category"]), row["n"]] for row in rows],
        total_columns=(1,),
        note=str(_("达到年度限额人数：%(people)s") % {"people": people}),
    )


def burden_panel(scope: Scope) -> Panel:
    """The largest personal burdens left after every tier (ID numbers masked)."""
    people = (
        PersonYearRollup.objects.filter(year=scope.year, region__code__startswith=scope.region.code)
        .select_related("claimant", "region")
        .order_by("-personal_burden")[:LARGEST_BURDENS]
    )
    return Panel(
        "largest_burdens",
        _("个人负担最重的救助对象"),
        [_("姓名"), _("身份证号"), _("户籍乡镇"), _("救助金额"), _("个人负担")],
        [
            [p.claimant.name, p.claimant.masked_id_number, p.region.name, p.assistance, p.personal_burden]
            for p in people
        ],
        chart="bar-horizontal",
        chart_columns=(4,),
        money_columns=(3, 4),
    )


# Tianjin hospital metric ------------------------------------------------------------------------------


def hospital_panel(scope: Scope) -> Panel:
    """TJ-F4: policy-scope cost as a share of total cost per hospital, over assisted inpatient stays."""
    rows = (
        HospitalRollup.objects.filter(year=scope.year, region__code__startswith=scope.region.code)
        .values("hospital__code", "hospital__name")
        .annotate(stays=Sum("stays"), total=Sum("total_cost"), scope_cost=Sum("policy_scope_cost"))
        .order_by("hospital__code")
    )
    table = []
    for row in rows:
        share = (row["scope_cost"] / row["total"]) if row["total"] else None
        below = share is not None and share < HOSPITAL_SCOPE_TARGET
        table.append(
            [
                row["hospital__name"],
                row["stays"],
                row["total"],
                row["scope_cost"],
                round(share * 100, 1) if share is not None else None,
                _("低于目标") if below else "",
            ]
        )
    table.sort(key=lambda r: (r[4] is None, r[4]))
    return Panel(
        "hospital_scope_share",
        _("定点医疗机构政策范围内费用占比（住院，目标 90%）"),
        [_("医疗机构"), _("住院人次"), _("医疗总费用"), _("政策范围内费用"), _("占比（%）"), _("提示")],
        table,
        chart_columns=(4,),
        money_columns=(2, 3),
        total_columns=(1, 2, 3),
    )


def hospitals_below_target(panel: Panel) -> list:
    return [row for row in panel.rows if row[5]]


# Applications -----------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the dashboard: the scope's year in three numbers."""

    people: int  # people who received assistance in the year
    visits: int  # visits settled (settlements in force)
    paid: Decimal  # assistance paid, every tier


def headline(scope: Scope) -> Headline:
    settled = _settlement_rollups(scope).aggregate(
        visits=Coalesce(Sum("settlements"), 0), paid=MoneySum("assistance")
    )
    people = PersonYearRollup.objects.filter(
        year=scope.year, region__code__startswith=scope.region.code, assistance__gt=0
    ).count()
    return Headline(people=people, visits=settled["visits"], paid=settled["paid"] or ZERO)


def all_panels(scope: Scope, *, today: dt.date, now: dt.datetime | None = None) -> list[Panel]:
    panels = [*settlement_panels(scope), cap_panel(scope), burden_panel(scope)]
    panels += application_panels(scope, today)
    panels += monitoring_panels(scope, now)
    if "hospitals" in registry.get(scope.region.jurisdiction).extra_panels:
        panels.append(hospital_panel(scope))
    return panels


def latest_year_with_data(region_code: str, *, until: int) -> int:
    """The year a dashboard opens on: the latest up to ``until`` with settlements in the region's subtree, so a
    manager does not land on an empty January; ``until`` itself when there are none."""
    latest = SettlementRollup.objects.filter(
        **region_lookup("region", region_code), year__lte=until
    ).aggregate(latest=Max("year"))["latest"]
    return latest or until
