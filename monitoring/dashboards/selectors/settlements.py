"""The settlement panels of the dashboards: payments by tier and fund, the fund budget, caps reached, the largest burdens and the hospitals' policy-scope rates."""

from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from claimants.hooks import Hook
from jurisdictions import registry
from monitoring.dashboards.models import (
    HospitalRollup,
    PersonYearRollup,
    SettlementRollup,
    TierRollup,
)
from monitoring.dashboards.selectors.base import (
    HOSPITAL_SCOPE_TARGET,
    LARGEST_BURDENS,
    ZERO,
    Panel,
    Scope,
    category_label,
)
from settlements.models.settlement import fund_choices
from settlements.money import format_money
from settlements.policy.engine import fund_of


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
    return Panel(
        "caps_reached",
        _("达到年度限额"),
        [_("救助身份"), _("受限额限制的结算人次")],
        [[category_label(row["category"]), row["n"]] for row in rows],
        total_columns=(1,),
        note=str(_("达到年度限额人数：%(people)s") % {"people": scope.people.capped}),
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
