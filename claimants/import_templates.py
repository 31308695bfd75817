"""Templates to download for an import (CSV and XLSX): the header row the import recognises and one example.

The header row is the first (Chinese) header of every column of the import's ``RowSpec``, in the spec's
order, so a filled-in template is read exactly as a file of the platform or a county would be. A title line
above it says how to fill the file (lines above the header are skipped); the example row below it starts
with ``EXAMPLE_MARK``, and ``claimants.imports.parse_rows`` refuses such a row, so an example left in the
file is never imported.
"""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from claimants import spreadsheets
from claimants.exports import XLSX_TYPE
from claimants.imports import EXAMPLE_MARK, RowSpec


def header(spec: RowSpec) -> list[str]:
    return [column.headers[0] for column in spec.columns]


def rows(spec: RowSpec, example: dict[str, str]) -> list[list[str]]:
    """The title line, the header row and the example row (its first cell marked as an example)."""
    title = _("导入模板：第 2 行为列名（请勿修改），第 3 行为示例，请替换为实际数据后上传。")
    values = [example.get(column.field, "") for column in spec.columns]
    values[0] = f"{EXAMPLE_MARK}{values[0]}"
    return [[title], header(spec), values]


def csv_response(spec: RowSpec, example: dict[str, str], *, file_name: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer)
    for row in rows(spec, example):
        writer.writerow(spreadsheets.csv_row(row))
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}.csv"'
    return response


def xlsx_response(spec: RowSpec, example: dict[str, str], *, file_name: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = _("导入模板")
    for row in rows(spec, example):
        spreadsheets.append(sheet, row)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for cell in sheet[3]:
        cell.font = Font(italic=True, color="808080")
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    for index, name in enumerate(header(spec), start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = max(
            12, 2 * len(name) + 4
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.xlsx"'
    return response


RESPONSES = {"csv": csv_response, "xlsx": xlsx_response}
