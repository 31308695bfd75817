"""XLSX of one dashboard panel: the same rows as the table beside its chart, with the filters on top."""

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from claimants import spreadsheets
from monitoring.dashboards.selectors import Panel, Scope

NUMBERS = (int, float, Decimal)


def panel_xlsx(panel: Panel, scope: Scope) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = panel.key[:31]
    spreadsheets.append(sheet, [str(panel.title)])
    sheet["A1"].font = Font(bold=True)
    spreadsheets.append(sheet, [_("地区"), scope.region.full_name, _("年度"), scope.year])
    if panel.note:
        spreadsheets.append(sheet, [panel.note])
    spreadsheets.append(sheet, [])
    spreadsheets.append(sheet, [str(column) for column in panel.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in panel.rows:
        spreadsheets.append(
            sheet, [value if value is None or isinstance(value, NUMBERS) else str(value) for value in row]
        )
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
