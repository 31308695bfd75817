"""The certification import through its pages: upload, preview, commit, the list, and the report of a long
file."""

import io
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from claimants import imports
from claimants.models import Certification, ImportBatch
from tests.claimants.support import csv_bytes, number, stage

pytestmark = pytest.mark.django_db


def test_upload_preview_and_commit_through_the_pages(client, civil_officer):
    client.force_login(civil_officer)
    content = csv_bytes(
        [
            ["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""],
            ["坏号", "123", "510703001", "dibao", "", "2023-01-01", "", ""],
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "民政认定.csv"
    response = client.post(reverse("claimants:import_create"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "18位" in page
    assert "确认导入" in page
    assert "其中 1 人尚未登记：确认导入后新登记" in page
    done = client.post(reverse("claimants:import_commit", args=[batch.pk]), follow=True).content.decode()
    assert Certification.objects.count() == 1
    assert "已新增认定 1 条，新登记 1 人" in done
    listing = client.get(reverse("claimants:import_list")).content.decode()
    assert "民政认定.csv" in listing


def test_a_long_report_lists_its_first_lines_and_downloads_whole(client, civil_officer, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    bad = [
        [f"坏{i}", f"5107031970010{i:05d}", "510703001", "dibao", "", "2023-01-01", "", ""] for i in range(7)
    ]
    batch = stage(csv_bytes(bad), civil_officer)
    client.force_login(civil_officer)

    with mock.patch.object(imports, "REPORT_SHOWN", 5):
        page = client.get(batch.get_absolute_url()).content.decode()

    assert "共 7 行有错误或提示，此处列出前 5 行。" in page
    assert "坏4" in page
    assert "坏5" not in page
    download = client.get(reverse("claimants:import_report", args=[batch.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "人员", "错误", "提示")
    assert [r[0] for r in rows[1:]] == [2, 3, 4, 5, 6, 7, 8]
    assert all("身份证号" in r[2] for r in rows[1:])
    assert "5107031970010" not in "".join(str(c) for r in rows for c in r)  # numbers stay masked
