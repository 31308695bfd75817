"""The monthly medical-assistance report (医疗救助月报) of a region subtree, as XLSX.

Counted from the settlements in force discharged in the month (the settlement date of the platform's
records) of people registered (户籍) in the region, and from the month's high-cost alerts:
1. people (人数, distinct) and person-times (人次) assisted, by category and visit type;
2. amounts per tier (大病保险 for reference, then each assistance tier of the installed jurisdictions: 医疗救助,
   倾斜救助, 重特大疾病医疗救助), by category and by paying fund, from the settlements' tier rows;
3. caps reached (settlements limited by an annual cap), by category;
4. alerts of the month pushed per department, and answers: answered, certified, not eligible.
"""

import calendar
import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from claimants import spreadsheets
from claimants.models import Region
from core.roles import Department
from jurisdictions import registry
from monitoring.dashboards.selectors import category_label
from monitoring.models import HighCostAlert
from settlements.models import Settlement, SettlementTier, VisitType
from settlements.models.settlement import fund_choices
from settlements.money import MoneySum

ZERO = Decimal("0.00")
ASSISTED = Q(assistance__gt=0)


def _tier_sums(settlements, group: str, codes: list[str]) -> dict[str, dict[str, Decimal]]:
    """``group`` value -> tier code -> the sum of that tier over ``settlements``, from their tier rows."""
    sums: dict[str, dict[str, Decimal]] = {}
    rows = (
        SettlementTier.objects.filter(settlement__in=settlements.order_by().values("pk"))
        .values_list(f"settlement__{group}", "code")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    for key, code, total in rows:
        sums.setdefault(key, {})[code] = total
        if code not in codes:
            codes.append(code)
    return sums


def month_settlements(*, region: Region, month: dt.date):
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return Settlement.objects.filter(
        reversed_at__isnull=True,
        discharged__range=(month.replace(day=1), last),
        claimant__hukou_region__code__startswith=region.code,
    )


def _bold_row(sheet, values) -> None:
    spreadsheets.append(sheet, [str(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def monthly_report(*, region: Region, month: dt.date) -> bytes:
    month = month.replace(day=1)
    settlements = month_settlements(region=region, month=month)
    assisted = settlements.filter(ASSISTED)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("医疗救助月报")
    spreadsheets.append(sheet, [_("医疗救助月报")])
    sheet["A1"].font = Font(bold=True, size=14)
    spreadsheets.append(
        sheet, [_("地区"), region.full_name, _("区划代码"), region.code, _("月份"), f"{month:%Y-%m}"]
    )
    types = dict(VisitType.choices)

    spreadsheets.append(sheet, [])
    _bold_row(sheet, [_("一、救助人数和人次（按救助身份、就诊类型）")])
    _bold_row(sheet, [_("救助身份"), _("就诊类型"), _("救助人数"), _("救助人次")])
    rows = (
        assisted.values("category", visit_type=F("visit__visit_type"))
        .annotate(people=Count("claimant", distinct=True), times=Count("id"))
        .order_by("category", "visit_type")
    )
    for row in rows:
        spreadsheets.append(
            sheet,
            [category_label(row["category"]), str(types[row["visit_type"]]), row["people"], row["times"]],
        )
    totals = assisted.aggregate(people=Count("claimant", distinct=True), times=Count("id"))
    spreadsheets.append(sheet, [_("合计"), "", totals["people"], totals["times"]])

    spreadsheets.append(sheet, [])
    _bold_row(sheet, [_("二、救助金额（按救助身份、救助层次，元）")])
    # A column per tier of the installed jurisdictions (then any other tier the settlements hold).
    codes = list(registry.tiers())
    by_category = _tier_sums(settlements, "category", codes)
    by_fund = _tier_sums(settlements.exclude(fund=""), "fund", codes)
    names = {code: name_zh for code, (name_zh, _en) in registry.tiers().items()}
    tier_labels = [_(names.get(code, code)) for code in codes]
    _bold_row(sheet, [_("救助身份"), _("大病保险"), *tier_labels, _("救助合计")])
    ci = dict(
        settlements.values_list("category").annotate(ci=MoneySum("critical_illness_insurance")).order_by()
    )
    total_ci, totals = ZERO, dict.fromkeys(codes, ZERO)
    for category in sorted(ci):
        amounts = [by_category.get(category, {}).get(code) or ZERO for code in codes]
        spreadsheets.append(sheet, [category_label(category), ci[category] or ZERO, *amounts, sum(amounts)])
        total_ci += ci[category] or ZERO
        for code, amount in zip(codes, amounts, strict=True):
            totals[code] += amount
    spreadsheets.append(sheet, [_("合计"), total_ci, *totals.values(), sum(totals.values())])
    # Clarification 25: Tianjin's severe-disability and special-care tracks are paid from funds of their own.
    _bold_row(sheet, [_("支付资金"), "", *tier_labels, _("救助合计")])
    funds = dict(fund_choices())
    for fund in sorted(by_fund):
        amounts = [by_fund[fund].get(code) or ZERO for code in codes]
        spreadsheets.append(sheet, [str(funds[fund]), "", *amounts, sum(amounts)])

    spreadsheets.append(sheet, [])
    _bold_row(sheet, [_("三、达到年度限额（按救助身份）")])
    _bold_row(sheet, [_("救助身份"), _("人数"), _("人次")])
    capped = settlements.filter(reason="cap_reached")
    for row in (
        capped.values("category")
        .annotate(people=Count("claimant", distinct=True), times=Count("id"))
        .order_by("category")
    ):
        spreadsheets.append(sheet, [category_label(row["category"]), row["people"], row["times"]])
    totals = capped.aggregate(people=Count("claimant", distinct=True), times=Count("id"))
    spreadsheets.append(sheet, [_("合计"), totals["people"], totals["times"]])

    spreadsheets.append(sheet, [])
    _bold_row(sheet, [_("四、高额费用预警及反馈（按接收部门）")])
    _bold_row(
        sheet, [_("接收部门"), _("推送"), _("已反馈"), _("已认定救助身份"), _("不符合条件"), _("已在救助")]
    )
    alerts = HighCostAlert.objects.filter(
        period=month, hukou_region__code__startswith=region.code, disposition=HighCostAlert.Disposition.PUSHED
    )
    departments = dict(Department.choices)
    results = HighCostAlert.Result
    for row in (
        alerts.values("department")
        .annotate(
            pushed=Count("id"),
            answered=Count("id", filter=~Q(result="")),
            certified=Count("id", filter=Q(result=results.CERTIFIED)),
            not_eligible=Count("id", filter=Q(result=results.NOT_ELIGIBLE)),
            already=Count("id", filter=Q(result=results.ALREADY_ASSISTED)),
        )
        .order_by("department")
    ):
        spreadsheets.append(
            sheet,
            [
                str(departments.get(row["department"], row["department"])),
                row["pushed"],
                row["answered"],
                row["certified"],
                row["not_eligible"],
                row["already"],
            ],
        )
    sheet.column_dimensions["A"].width = 28
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
