"""Import templates to download: the headers each import reads, one example row that is never imported,
and a filled-in template (the example replaced by a real row) accepted as it is."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from claimants import idnumbers, imports
from claimants.categories import CATEGORIES
from claimants.certification_import import KIND as CERTIFICATION_KIND
from claimants.models import ImportBatch
from settlements.visit_import import KIND as VISIT_KIND

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(response, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        text = response.content.decode("utf-8").lstrip("\ufeff")
        return [row for row in csv.reader(io.StringIO(text))]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _file(table: list[list[str]], fmt: str) -> SimpleUploadedFile:
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(table)
        return SimpleUploadedFile(
            "filled.csv", ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv"
        )
    book = Workbook()
    for row in table:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("filled.xlsx", buffer.getvalue(), content_type=XLSX)


def _filled(table: list[list[str]], row: dict[str, str]) -> list[list[str]]:
    """The template with its example row replaced by ``row`` (header -> value)."""
    header = table[1]
    return [table[0], header, [row.get(name, "") for name in header]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_certification_template_holds_the_headers_and_a_marked_example(client, civil_officer, fmt):
    client.force_login(civil_officer)
    assert (
        reverse("claimants:import_template", args=[fmt])
        in client.get(reverse("claimants:import_create")).content.decode()
    )

    response = client.get(reverse("claimants:import_template", args=[fmt]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv" if fmt == "csv" else XLSX)
    table = _table(response, fmt)
    spec = imports.get_spec(CERTIFICATION_KIND)
    assert table[1] == [column.headers[0] for column in spec.columns]
    assert table[1][:4] == ["姓名", "身份证号", "户籍地区划代码", "认定类别"]
    assert table[2][0].startswith(imports.EXAMPLE_MARK)
    assert "示例" in table[0][0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_filled_certification_template_is_accepted_and_its_example_row_never(client, civil_officer, fmt):
    client.force_login(civil_officer)
    table = _table(client.get(reverse("claimants:import_template", args=[fmt])), fmt)
    person = idnumbers.build("510703", dt.date(1975, 6, 1), 7)
    row = {"姓名": "王芳", "身份证号": person, "户籍地区划代码": "510703001", "认定类别": "低保对象",
           "有效期起": "2024-01-01"}  # fmt: skip

    client.post(reverse("claimants:import_create"), {"file": _file(_filled(table, row), fmt)})
    client.post(reverse("claimants:import_create"), {"file": _file(table, fmt)})  # the template as it is

    filled, untouched = ImportBatch.objects.filter(kind=CERTIFICATION_KIND).order_by("pk")
    assert (filled.rows_total, filled.rows_valid, filled.rows_invalid) == (1, 1, 0)
    assert (untouched.rows_total, untouched.rows_valid, untouched.rows_invalid) == (1, 0, 1)
    assert "示例行" in "".join(untouched.report[0]["errors"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_filled_visit_template_is_accepted(client, reviewer, claimant_factory, policy_year_factory, fmt):
    policy_year_factory(jurisdiction="mianyang", year=2023)
    person = claimant_factory()
    client.force_login(reviewer)
    assert (
        reverse("settlements:import_template", args=[fmt])
        in client.get(reverse("settlements:import_create")).content.decode()
    )
    response = client.get(reverse("settlements:import_template", args=[fmt]))
    table = _table(response, fmt)
    spec = imports.get_spec(VISIT_KIND)
    assert table[1] == [column.headers[0] for column in spec.columns]
    assert table[2][0].startswith(imports.EXAMPLE_MARK)
    # The example's amounts add up as the platform's do: only the date and the person need changing.
    example = dict(zip(table[1], table[2], strict=True))
    row = example | {"结算ID": "Y20230001", "身份证号": person.id_number, "姓名": person.name,
                     "入院日期": "2023-03-01", "结算时间": "2023-03-10"}  # fmt: skip

    client.post(reverse("settlements:import_create"), {"file": _file(_filled(table, row), fmt)})

    batch = ImportBatch.objects.get(kind=VISIT_KIND)
    assert (batch.rows_total, batch.rows_valid, batch.rows_invalid) == (1, 1, 0), batch.report


@pytest.mark.parametrize("name", ["claimants:import_template", "settlements:import_template"])
def test_templates_are_for_the_roles_that_import(client, caseworker, name):
    client.force_login(caseworker)
    assert client.get(reverse(name, args=["csv"])).status_code == 403


def test_the_certification_example_without_its_mark_is_a_valid_row_in_either_language(
    client, civil_officer, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(civil_officer)
    table = _table(client.get(reverse("claimants:import_template", args=["xlsx"])), "xlsx")
    example = table[2]
    example[0] = example[0].removeprefix(imports.EXAMPLE_MARK)
    # The name certification files use, not the English label.
    assert example[3] in {category.name for category in CATEGORIES.values()}

    client.post(reverse("claimants:import_create"), {"file": _file(table, "xlsx")})

    batch = ImportBatch.objects.get(kind=CERTIFICATION_KIND)
    assert (batch.rows_total, batch.rows_valid, batch.rows_invalid) == (1, 1, 0), batch.report
