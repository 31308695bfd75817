"""The hospital clearing statement (医疗机构垫付资金对账单) as a page for print, PDF (WeasyPrint) and XLSX,
like the one-bill statement of a settlement (``settlements.statements``): one line per settlement with the
ID number masked, the totals, the amount to repay in Chinese capitals, and the sign-off of maker, checker
and approver under the issuing bureau's seal area."""

import io
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from claimants import spreadsheets
from claimants.selectors import office_region_name
from core.roles import staff_name
from finance import funds
from finance.models import HospitalStatement, StatementLine
from finance.reconciliation import mismatches
from settlements.money import in_capitals

MONEY_FIELDS = ("policy_scope_cost", "assistance_computed", "assistance_advanced", "difference", "to_repay")


def lines(statement: HospitalStatement) -> list[StatementLine]:
    return list(
        statement.lines.select_related(
            "settlement__claimant", "settlement__visit", "account_region"
        ).order_by("kind", "record_month", "settlement_id")
    )


def issuing_unit(statement: HospitalStatement) -> str:
    region = statement.created_by.region if statement.created_by.region_id else statement.hospital.region
    return _("%(region)s医疗保障局") % {"region": office_region_name(region)}


def context(statement: HospitalStatement) -> dict:
    return {
        "statement": statement,
        "lines": lines(statement),
        "mismatches": mismatches(statement),
        "to_repay_in_capitals": in_capitals(abs(statement.to_repay)),
        "issuing_unit": issuing_unit(statement),
    }


def html(statement: HospitalStatement, *, request=None) -> str:
    return render_to_string("finance/statement_print.html", context(statement), request=request)


def pdf(statement: HospitalStatement, *, base_url: str) -> bytes:
    from weasyprint import HTML

    css = Path(finders.find("css/clearing.css")).read_text(encoding="utf-8")
    document = render_to_string(
        "finance/statement_print.html", context(statement) | {"for_pdf": True, "statement_css": css}
    )
    return HTML(string=document, base_url=base_url).write_pdf()


def header() -> list[str]:
    return [
        _("结算号"),
        _("医保结算ID"),
        _("姓名"),
        _("身份证号"),
        _("出院（结算）日期"),
        _("类型"),
        _("支付资金"),
        _("核算地区"),
        _("政策范围内费用"),
        _("核算医疗救助"),
        _("医院垫付医疗救助"),
        _("差额（核算减垫付）"),
        _("应拨付医院"),
    ]


def line_row(line: StatementLine) -> list:
    settlement = line.settlement
    return [
        settlement.pk,
        settlement.visit.settlement_ref or "",
        settlement.claimant.name,
        settlement.claimant.masked_id_number,
        settlement.discharged,
        line.get_kind_display(),
        funds.fund_name(line.fund),
        line.account_region.name,
        *(getattr(line, name) for name in MONEY_FIELDS),
    ]


def xlsx(statement: HospitalStatement) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{statement.month:%Y-%m}"
    spreadsheets.append(sheet, [_("医疗机构垫付资金对账单")])
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        (_("出具单位"), issuing_unit(statement)),
        (_("医疗机构"), f"{statement.hospital.name}（{statement.hospital.code}）"),
        (_("清算月份"), f"{statement.month:%Y-%m}"),
        (_("状态"), statement.get_state_display()),
    ]
    for label, value in facts:
        spreadsheets.append(sheet, [label, value])
    spreadsheets.append(sheet, [])
    spreadsheets.append(sheet, header())
    first = sheet.max_row + 1
    for line in lines(statement):
        spreadsheets.append(sheet, line_row(line))
    spreadsheets.append(
        sheet, [_("合计"), "", "", "", "", "", "", "", *(getattr(statement, name) for name in MONEY_FIELDS)]
    )
    for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row, min_col=9, max_col=13):
        for cell in row:
            cell.number_format = "#,##0.00"
    spreadsheets.append(sheet, [])
    spreadsheets.append(sheet, [_("结算笔数"), statement.record_count])
    spreadsheets.append(sheet, [_("应拨付医院（大写）"), in_capitals(abs(statement.to_repay))])
    for label, person, when in (
        (_("制单人"), statement.created_by, statement.created_at),
        (_("复核人"), statement.checked_by, statement.checked_at),
        (_("批准人"), statement.approved_by, statement.approved_at),
    ):
        spreadsheets.append(sheet, [label, staff_name(person), when.date() if when else ""])
    if statement.payment_reference:
        spreadsheets.append(sheet, [_("支付凭证号"), statement.payment_reference, statement.payment_date])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["C"].width = 12
    sheet.column_dimensions["D"].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
