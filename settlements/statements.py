"""The one-bill statement (一单制结算单) of a settlement: HTML for print, PDF (WeasyPrint) and XLSX.

The person's ID number is always masked on the statement; the statement shows the three tiers
(basic insurance, 大病保险, assistance), 公务员医疗补助 and 企业补充医疗保险 on their own line
(Clarification 23), the fund that pays the assistance (Clarification 25), the personal burden, what the back office owes of the assistance
when the hospital already paid part of it (maf_pay) with a warning when it paid more, and the explanation.
Under the amounts: the person's cash total (个人现金支付合计), the assistance in Chinese capitals (大写), the
issuing unit (the medical-security bureau of the reviewer's region), a seal area and the signature lines.
"""

import io
from decimal import Decimal
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from claimants import spreadsheets
from claimants.categories import CATEGORIES
from claimants.selectors import office_region_name
from settlements.models import Settlement
from settlements.money import format_money, in_capitals


def context(settlement: Settlement) -> dict:
    claimant, visit = settlement.claimant, settlement.visit
    return {
        "settlement": settlement,
        "claimant": claimant,
        "visit": visit,
        "category_label": CATEGORIES[settlement.category].label if settlement.category in CATEGORIES else "",
        "fund_label": settlement.get_fund_display(),
        "rows": rows(settlement),
        "owed_rows": owed_rows(settlement),
        "overpaid_warning": overpaid_warning(settlement),
        "cash_total": cash_total(settlement),
        "assistance_in_capitals": in_capitals(settlement.assistance),
        "issuing_unit": issuing_unit(settlement),
    }


def cash_total(settlement: Settlement) -> Decimal:
    """个人现金支付合计: the whole bill less what basic insurance, the supplementary insurances, 大病保险 and
    every assistance tier pay (the part outside the policy scope included); never below zero."""
    paid = (
        settlement.basic_insurance_paid
        + settlement.supplementary_paid
        + settlement.critical_illness_insurance
        + settlement.assistance
    )
    return max(settlement.visit.total_cost - paid, Decimal("0.00"))


def issuing_unit(settlement: Settlement) -> str:
    """The unit that issues the statement: the medical-security bureau of the settling reviewer's region
    (of the person's insured region when no reviewer is recorded, as for settlements made by a job), named
    as bureaus are, without the province (绵阳市涪城区医疗保障局); a municipality keeps its name (北京市)."""
    reviewer = settlement.settled_by
    region = (
        reviewer.region if reviewer is not None and reviewer.region_id else settlement.claimant.insured_region
    )
    return _("%(region)s医疗保障局") % {"region": office_region_name(region)}


def rows(settlement: Settlement) -> list[tuple[str, object]]:
    """(label, amount) in settlement order (RULES 1.1): cost, basic insurance, 大病保险, assistance, burden."""
    visit = settlement.visit
    return [
        (_("医疗总费用"), visit.total_cost),
        (_("全自费金额"), visit.fully_self_paid),
        (_("政策范围内费用"), settlement.policy_scope_cost),
        (_("基本医保统筹支付"), settlement.basic_insurance_paid),
        # Clarification 23: paid before assistance, so it lowers what assistance is computed on.
        (_("公务员医疗补助及企业补充医疗保险"), settlement.supplementary_paid),
        (_("大病保险支付"), settlement.critical_illness_insurance),
        *((_(tier.name), tier.amount) for tier in settlement.tier_rows()),
        (_("个人负担（政策范围内）"), settlement.personal_burden),
    ]


def owed_rows(settlement: Settlement) -> list[tuple[str, object]]:
    """The assistance computed, the part the hospital already paid (maf_pay) and what is still owed."""
    return [
        (_("医疗救助合计"), settlement.assistance),
        (_("医院已垫付医疗救助"), settlement.assistance_paid_at_hospital),
        (_("应付医疗救助（差额）"), settlement.assistance_owed),
    ]


def overpaid_warning(settlement: Settlement) -> str:
    if not settlement.assistance_overpaid:
        return ""
    return _("医院已垫付的医疗救助超出本次核算的救助金额 %(amount)s 元：应付金额按 0 计，请与医院核对。") % {
        "amount": format_money(settlement.assistance_overpaid)
    }


def html(settlement: Settlement, *, request=None) -> str:
    return render_to_string("settlements/statement.html", context(settlement), request=request)


def pdf(settlement: Settlement, *, base_url: str) -> bytes:
    from weasyprint import HTML

    css = Path(finders.find("css/statement.css")).read_text(encoding="utf-8")
    document = render_to_string(
        "settlements/statement.html", context(settlement) | {"for_pdf": True, "statement_css": css}
    )
    return HTML(string=document, base_url=base_url).write_pdf()


def xlsx(settlement: Settlement) -> bytes:
    claimant, visit = settlement.claimant, settlement.visit
    book = Workbook()
    sheet = book.active
    sheet.title = _("结算单")
    spreadsheets.append(sheet, [_("医疗救助一站式结算单")])
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        (_("结算号"), settlement.pk),
        (_("姓名"), claimant.name),
        (_("身份证号"), claimant.masked_id_number),
        (_("救助身份"), context(settlement)["category_label"]),
        (_("支付资金"), settlement.get_fund_display()),
        (_("医疗机构"), visit.hospital.name if visit.hospital else ""),
        (_("就诊类型"), visit.get_visit_type_display()),
        (_("入院日期"), visit.admitted),
        (_("出院日期"), visit.discharged),
    ]
    amounts = [*rows(settlement), *owed_rows(settlement), (_("个人现金支付合计"), cash_total(settlement))]
    for label, value in [*facts, *amounts]:
        spreadsheets.append(sheet, [str(label), value])
    for row in sheet.iter_rows(min_row=len(facts) + 2, max_row=len(facts) + 1 + len(amounts), min_col=2):
        row[0].number_format = "#,##0.00"
    if warning := overpaid_warning(settlement):
        spreadsheets.append(sheet, [warning])
    spreadsheets.append(sheet, [])
    spreadsheets.append(sheet, [_("医疗救助金额（大写）"), in_capitals(settlement.assistance)])
    spreadsheets.append(sheet, [_("出具单位（盖章）"), issuing_unit(settlement)])
    spreadsheets.append(sheet, [_("经办人签字"), ""])
    spreadsheets.append(sheet, [_("救助对象（或代办人）签字"), ""])
    spreadsheets.append(sheet, [_("签字日期"), ""])
    spreadsheets.append(sheet, [])
    spreadsheets.append(sheet, [_("计算说明")])
    language = "en" if get_language() == "en" else "zh"
    for line in settlement.explanation:
        spreadsheets.append(sheet, [line[language]])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 24
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
