"""The one-bill statement (一单制结算单) of a settlement: HTML for print, PDF (WeasyPrint) and XLSX.

The person's ID number is always masked on the statement; the statement shows the three tiers
(basic insurance, 大病保险, assistance), the personal burden and the explanation.
"""

import io
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from claimants.categories import CATEGORIES
from settlements.models import Settlement


def context(settlement: Settlement) -> dict:
    claimant, visit = settlement.claimant, settlement.visit
    return {
        "settlement": settlement,
        "claimant": claimant,
        "visit": visit,
        "category_label": CATEGORIES[settlement.category].label if settlement.category in CATEGORIES else "",
        "rows": rows(settlement),
    }


def rows(settlement: Settlement) -> list[tuple[str, object]]:
    """(label, amount) in settlement order (RULES 1.1): cost, basic insurance, 大病保险, assistance, burden."""
    visit = settlement.visit
    return [
        (_("医疗总费用"), visit.total_cost),
        (_("全自费金额"), visit.fully_self_paid),
        (_("政策范围内费用"), settlement.policy_scope_cost),
        (_("基本医保统筹支付"), settlement.basic_insurance_paid),
        (_("大病保险支付"), settlement.critical_illness_insurance),
        (_("医疗救助"), settlement.medical_assistance),
        (_("倾斜救助"), settlement.tilted_assistance),
        (_("重特大疾病医疗救助"), settlement.major_illness_assistance),
        (_("个人负担（政策范围内）"), settlement.personal_burden),
    ]


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
    sheet.append([_("医疗救助一站式结算单")])
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        (_("结算号"), settlement.pk),
        (_("姓名"), claimant.name),
        (_("身份证号"), claimant.masked_id_number),
        (_("救助身份"), context(settlement)["category_label"]),
        (_("医疗机构"), visit.hospital.name if visit.hospital else ""),
        (_("就诊类型"), visit.get_visit_type_display()),
        (_("入院日期"), visit.admitted),
        (_("出院日期"), visit.discharged),
    ]
    for label, value in [*facts, *rows(settlement)]:
        sheet.append([str(label), value])
    for row in sheet.iter_rows(min_row=len(facts) + 2, min_col=2, max_col=2):
        row[0].number_format = "#,##0.00"
    sheet.append([])
    sheet.append([_("计算说明")])
    language = "en" if get_language() == "en" else "zh"
    for line in settlement.explanation:
        sheet.append([line[language]])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 24
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
