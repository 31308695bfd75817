"""The one-bill statement: HTML with print CSS, a PDF that holds the Chinese text, an XLSX with the cells."""

import io
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from settlements.services import reverse_settlement, settle_visit
from tests.conftest import IN_CI

D = Decimal


@pytest.fixture
def settlement(mianyang_2023, certified, visit_factory, hospital_factory, reviewer):
    hospital = hospital_factory(name="绵阳市中心医院")
    visit = visit_factory(
        claimant=certified("dibao", name="李秀英"), hospital=hospital, policy_scope_cost=D("10000.00")
    )
    return settle_visit(visit=visit, by=reviewer)


@pytest.mark.django_db
def test_statement_page_masks_the_id_number_and_shows_the_tiers(client, reviewer, settlement):
    client.force_login(reviewer)

    page = client.get(reverse("settlements:statement", args=[settlement.pk])).content.decode()

    assert "医疗救助一站式结算单" in page
    assert settlement.claimant.masked_id_number in page
    assert settlement.claimant.id_number not in page
    assert "6203.75" in page
    assert "css/statement.css" in page


@pytest.mark.django_db
def test_statement_pdf_contains_the_chinese_text(client, reviewer, settlement, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    client.force_login(reviewer)

    response = client.get(reverse("settlements:statement_pdf", args=[settlement.pk]))

    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "statement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    for expected in (
        "医疗救助一站式结算单",
        "李秀英",
        "绵阳市中心医院",
        "大病保险支付",
        "6203.75",
        "个人负担",
        "应付医疗救助",
    ):
        assert expected in text
    assert settlement.claimant.id_number not in text


@pytest.mark.django_db
def test_statement_xlsx_holds_the_amounts_as_numbers(client, reviewer, settlement):
    client.force_login(reviewer)

    response = client.get(reverse("settlements:statement_xlsx", args=[settlement.pk]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and len(row) > 1}
    assert cells["姓名"] == "李秀英"
    assert cells["身份证号"] == settlement.claimant.masked_id_number
    assert D(str(cells["医疗救助"])) == D("6203.75")
    assert D(str(cells["大病保险支付"])) == D("1137.50")
    assert D(str(cells["个人负担（政策范围内）"])) == D("2658.75")


@pytest.mark.django_db
def test_statement_of_another_region_is_not_found(client, make_staff, settlement):
    client.force_login(make_staff("medical_security_reviewer", "12"))

    assert client.get(reverse("settlements:statement_pdf", args=[settlement.pk])).status_code == 404


@pytest.mark.django_db
def test_statement_xlsx_writes_the_name_as_text_never_as_a_formula(
    client, reviewer, mianyang_2023, certified, visit_factory
):
    name = '=HYPERLINK("http://x","点我")'
    settlement = settle_visit(visit=visit_factory(claimant=certified("dibao", name=name)), by=reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("settlements:statement_xlsx", args=[settlement.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "姓名")
    assert (cell.value, cell.data_type) == (name, "s")


@pytest.mark.django_db
def test_statement_shows_supplementary_insurance_on_its_own_line_and_the_fund(
    client, reviewer, mianyang_2023, certified, visit_factory
):
    """Clarification 23 (paid before assistance) and 25 (the paying fund), on the page and in the XLSX."""
    visit = visit_factory(
        claimant=certified("destitute"),
        policy_scope_cost=D("20000.00"),
        total_cost=D("20000.00"),
        basic_insurance_paid=D("12000.00"),
        critical_illness_paid=D("0.00"),
        supplementary_paid=D("4000.00"),
    )
    settlement = settle_visit(visit=visit, by=reviewer)
    assert settlement.supplementary_paid == D("4000.00")
    assert settlement.fund == "medical_assistance"
    assert settlement.assistance + settlement.personal_burden == D("4000.00")  # payers never exceed the bill
    client.force_login(reviewer)
    page = client.get(reverse("settlements:statement", args=[settlement.pk])).content.decode()
    assert "公务员医疗补助及企业补充医疗保险" in page
    assert "4000.00" in page
    assert "医疗救助基金" in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("settlements:statement_xlsx", args=[settlement.pk])).content)
    ).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1}
    assert D(str(cells["公务员医疗补助及企业补充医疗保险"])) == D("4000.00")
    assert cells["支付资金"] == "医疗救助基金"


@pytest.mark.django_db
def test_statement_names_the_issuing_unit_the_cash_total_and_the_assistance_in_capitals(
    client, reviewer, settlement, tmp_path
):
    """Total 15,000.00 less 大病保险 1,137.50 and assistance 6,203.75: the person pays 7,658.75 in cash."""
    client.force_login(reviewer)

    page = client.get(reverse("settlements:statement", args=[settlement.pk])).content.decode()
    for expected in (
        "出具单位：绵阳市医疗保障局",
        "盖章处",
        "救助对象（或代办人）签字：",
        "经办人签字：",
        "个人现金支付合计",
        "7,658.75",
        "陆仟贰佰零叁元柒角伍分",
    ):
        assert expected in page

    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("settlements:statement_xlsx", args=[settlement.pk])).content)
    ).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and len(row) > 1}
    assert D(str(cells["个人现金支付合计"])) == D("7658.75")
    assert cells["医疗救助金额（大写）"] == "陆仟贰佰零叁元柒角伍分"
    assert cells["出具单位（盖章）"] == "绵阳市医疗保障局"
    assert "救助对象（或代办人）签字" in cells

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "statement.pdf"
    path.write_bytes(client.get(reverse("settlements:statement_pdf", args=[settlement.pk])).content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    for expected in ("绵阳市医疗保障局", "盖章处", "个人现金支付合计", "7,658.75", "陆仟贰佰零叁元柒角伍分"):
        assert expected in text.replace("\n", "")


@pytest.mark.django_db
def test_statement_of_a_county_reviewer_is_issued_by_the_county_bureau(
    client, make_staff, mianyang_2023, certified, visit_factory
):
    county_reviewer = make_staff("medical_security_reviewer", "510703")
    settlement = settle_visit(visit=visit_factory(claimant=certified("dibao")), by=county_reviewer)
    client.force_login(county_reviewer)

    page = client.get(reverse("settlements:statement", args=[settlement.pk])).content.decode()

    assert "绵阳市涪城区医疗保障局" in page
    assert "四川省" not in page


def pdf_pages(content: bytes) -> int:
    if not shutil.which("pdfinfo"):
        if IN_CI:
            pytest.fail("CI needs pdfinfo (poppler-utils)")
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout  # noqa: S607
    return int(re.search(rb"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_typical_statement_fits_on_one_a4_page_with_its_signatures_and_seal(
    client, reviewer, mianyang_2023, certified, visit_factory, language
):
    """A large inpatient stay, every tier paying and then reversed (the longest statement a visit gives):
    one page in either language, the signature lines and the seal on it."""
    visit = visit_factory(
        claimant=certified("dibao", name="李秀英"),
        policy_scope_cost=D("60000.00"),
        total_cost=D("66000.00"),
        fully_self_paid=D("2000.00"),
    )
    settlement = settle_visit(visit=visit, by=reviewer)
    reverse_settlement(settlement=settlement, by=reviewer, reason="医院退费后重新结算")
    assert len(settlement.explanation) >= 5
    client.force_login(reviewer)
    client.cookies["django_language"] = language

    response = client.get(reverse("settlements:statement_pdf", args=[settlement.pk]))

    assert pdf_pages(response.content) == 1
