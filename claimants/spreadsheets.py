"""User text written to CSV and XLSX files as text, never as a formula (CWE-1236, "CSV injection").

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula: a claimant named ``=HYPERLINK("http://…")`` would become a live link in
the file a manager opens. Every export writes its rows through these two functions:

- XLSX: the cell is typed as a string, so the text is shown as written (``=HYPERLINK(…)``), nothing is
  evaluated, and the value read back is the name as registered;
- CSV has no cell types, so a text that a spreadsheet would evaluate is written with a leading
  apostrophe (the OWASP advice), which spreadsheet programs hide and which keeps the rest intact.

Numbers, dates and ``Decimal`` amounts are written as they are: a negative amount is a number, not text.
"""

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_value(value):
    """``value`` for a CSV cell: text a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values: Iterable) -> list:
    return [csv_value(value) for value in values]


def append(sheet, values: Iterable) -> None:
    """Append a row to an openpyxl sheet (normal or write-only) with every text cell typed as text."""
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([_write_only_cell(sheet, value) for value in values])
        return
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _write_only_cell(sheet, value):
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
