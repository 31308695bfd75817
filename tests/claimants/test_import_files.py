"""The files a certification import reads: CSV and xlsx, date cells, titles above the header, the
spreadsheet's own line numbers, and files refused whole (damaged, required columns missing)."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from claimants import imports
from claimants.errors import ImportBatchError
from claimants.models import Certification, ImportBatch
from core.errors import DomainError
from tests.claimants.support import HEADER, csv_bytes, number, stage

pytestmark = pytest.mark.django_db


def test_xlsx_with_date_cells_is_read(civil_officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["王芳", number(1), 510703001, "低保对象", "X1", dt.datetime(2023, 3, 1), None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = stage(buffer.getvalue(), civil_officer, name="民政.xlsx")
    assert batch.rows_invalid == 0
    imports.commit(batch=batch, by=civil_officer)
    assert Certification.objects.get().valid_from == dt.date(2023, 3, 1)


def test_xlsx_report_gives_the_spreadsheets_own_line_numbers(civil_officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([])  # a blank line 2, skipped
    sheet.append(["王芳", number(1), "510703001", "dibao", "", dt.date(2023, 3, 1), None, None])
    sheet.append(["李强", "51070319700101001", "510703001", "dibao", "", "2023-03-01", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = stage(buffer.getvalue(), civil_officer, name="民政.xlsx")

    assert (batch.rows_total, batch.rows_valid) == (2, 1)
    assert [entry["line"] for entry in batch.report] == [4]
    assert "18位" in batch.report[0]["errors"][0]


def test_a_damaged_xlsx_is_refused_with_a_reason(civil_officer):
    with pytest.raises(DomainError) as refused:
        stage(b"PK\x03\x04 not really a workbook", civil_officer, name="民政.xlsx")
    assert refused.value.code == ImportBatchError.UNREADABLE_FILE
    assert not ImportBatch.objects.exists()


def test_file_without_required_columns_is_refused(civil_officer):
    with pytest.raises(DomainError) as excinfo:
        stage(csv_bytes([["王芳", number(1)]], header=["姓名", "身份证号"]), civil_officer)
    assert excinfo.value.code == ImportBatchError.MISSING_COLUMNS


def test_a_title_above_the_header_is_skipped_and_lines_keep_their_numbers(civil_officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["涪城区2024年1月低保对象认定名单"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(["王芳", number(1), "510703001", "dibao", "", "2024-01-01", None, None])
    sheet.append(["李强", number(2), "510703001", "没有的类别", "", "2024-01-01", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = stage(buffer.getvalue(), civil_officer, name="民政.xlsx")

    assert (batch.rows_total, batch.rows_valid) == (2, 1)
    assert [entry["line"] for entry in batch.report] == [5]


def test_a_missing_column_is_named_from_the_row_closest_to_a_header(civil_officer):
    content = "\n".join(["低保名单", ",".join(HEADER[:3] + HEADER[4:]), ",".join(["王芳", number(1)])])
    with pytest.raises(DomainError) as excinfo:
        stage(content.encode(), civil_officer)
    assert excinfo.value.code == ImportBatchError.MISSING_COLUMNS
    assert excinfo.value.params == {"columns": "认定类别"}
