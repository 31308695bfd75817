"""Uploaded spreadsheets are checked against the documented limits before they are read."""

import codecs
import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claimants import imports
from claimants.certification_import import KIND
from claimants.errors import ImportBatchError
from claimants.models import ImportBatch
from core.errors import DomainError
from tests.claimants.support import HEADER, csv_bytes, number

WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def xlsx_with_rows(rows: int) -> bytes:
    """A minimal workbook whose one sheet has ``rows`` empty rows, written as a stream (the XML is never
    held whole): 5,000,000 rows make 30 MB of XML and a file of well under a megabyte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for start in range(0, rows, 100_000):
                sheet.write(b"<row/>" * min(100_000, rows - start))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def test_five_million_rows_in_a_small_xlsx_are_refused_within_a_second_in_little_memory():
    content = xlsx_with_rows(5_000_000)
    assert len(content) < 2 * 2**20
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DomainError) as refused:
        imports.check_limits("big.xlsx", content)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refused.value.code == ImportBatchError.TOO_MANY_ROWS
    assert "100000" in refused.value.message or "100,000" in refused.value.message
    assert elapsed < 1.0
    assert peak < 50 * 2**20


def test_a_zip_declaring_more_than_it_may_inflate_to_is_refused(settings):
    settings.JIUZHU_IMPORT_MAX_INFLATED_BYTES = 2**20
    with pytest.raises(DomainError) as refused:
        imports.check_limits("big.xlsx", xlsx_with_rows(200_000))
    assert refused.value.code == ImportBatchError.FILE_TOO_LARGE


def test_a_csv_over_the_row_limit_and_a_file_over_the_size_limit_are_refused(settings):
    settings.JIUZHU_IMPORT_MAX_ROWS = 100
    with pytest.raises(DomainError) as rows:
        imports.check_limits("list.csv", b"a\n" * 200)
    assert rows.value.code == ImportBatchError.TOO_MANY_ROWS
    settings.JIUZHU_IMPORT_MAX_BYTES = 1000
    with pytest.raises(DomainError) as size:
        imports.check_limits("list.csv", b"a" * 1001)
    assert size.value.code == ImportBatchError.FILE_TOO_LARGE


@pytest.mark.django_db
def test_the_upload_page_refuses_a_file_over_the_size_limit_before_reading_it(
    client, civil_officer, settings
):
    settings.JIUZHU_IMPORT_MAX_BYTES = 1000
    client.force_login(civil_officer)
    upload = SimpleUploadedFile("civil.csv", b"x" * 2000, content_type="text/csv")
    response = client.post(reverse("claimants:import_create"), {"file": upload})
    assert "文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_utf16_csv_from_excel_is_read(civil_officer):
    lines = [",".join(HEADER), ",".join(["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""])]
    content = codecs.BOM_UTF16_LE + "\n".join(lines).encode("utf-16-le")
    batch = imports.stage(kind=KIND, file_name="civil.csv", content=content, by=civil_officer)
    assert (batch.rows_total, batch.rows_valid) == (1, 1)


@pytest.mark.django_db
def test_the_preview_applies_every_length_the_commit_will_meet(civil_officer):
    """Values the database would refuse at the commit are row errors in the preview."""
    rows = [
        ["长" * 51, number(1), "510703001", "dibao", "", "2023-01-01", "", ""],
        ["王芳", number(2), "510703001", "dibao", "Z" * 65, "2023-01-01", "", ""],
        ["李强", number(3), "510703001", "dibao", "", "2023-01-01", "", "备" * 501],
        ["赵敏", number(4), "510703001", "dibao", "Z" * 64, "2023-01-01", "", "备" * 500],
    ]
    batch = imports.stage(kind=KIND, file_name="civil.csv", content=csv_bytes(rows), by=civil_officer)
    errors = [line["errors"] for line in batch.report]
    assert "姓名 超过 50 个字符" in errors[0]
    assert "证书编号 超过 64 个字符" in errors[1]
    assert "备注 超过 500 个字符" in errors[2]
    assert (batch.rows_invalid, batch.rows_valid) == (3, 1)
    imports.commit(batch=batch, by=civil_officer)  # the valid row commits; the batch never answers 500
    batch.refresh_from_db()
    assert batch.rows_created == 1
