"""The downloaded per-row report writes what the uploaded file said as text, never as a live formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.claimants.support import csv_bytes, stage

pytestmark = pytest.mark.django_db


def test_the_import_report_writes_uploaded_names_as_text(client, civil_officer):
    name = '=HYPERLINK("http://x","点我")'
    batch = stage(
        csv_bytes(
            [
                [
                    f'"{name.replace(chr(34), chr(34) * 2)}"',
                    "5107031",
                    "510703001",
                    "dibao",
                    "",
                    "2023-01-01",
                    "",
                    "",
                ]
            ]
        ),
        civil_officer,
    )
    client.force_login(civil_officer)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("claimants:import_report", args=[batch.pk])).content)
    ).active
    cell = sheet["B2"]
    assert cell.value.startswith(name)  # a spreadsheet would run it, were it not typed as text
    assert cell.data_type == "s"
