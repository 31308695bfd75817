"""The finance pages as each role sees them: 403 for other roles, 404 outside the region, the documents."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from claimants import roles
from finance import clearing
from tests.finance.test_clearing import MARCH, cleared

pytestmark = pytest.mark.django_db
VIEWERS = {roles.FINANCE, roles.MANAGER}


@pytest.fixture
def statement(settle, hospital, maker):
    settle(dt.date(2023, 3, 10), advanced="100.00")
    return clearing.build_statement(hospital=hospital, month=MARCH, by=maker)


@pytest.mark.parametrize("name", ["statement_detail", "statement_print", "statement_xlsx"])
def test_statement_pages_answer_by_role_and_region(client, make_staff, statement, name):
    url = reverse(f"finance:{name}", args=[statement.pk])
    for role in sorted(roles.ALL_ROLES):
        client.force_login(make_staff(role, "5107"))
        assert client.get(url).status_code == (200 if role in VIEWERS else 403), role
    client.force_login(make_staff(roles.FINANCE, "11"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["clearing", "funds"])
def test_month_and_fund_pages_answer_by_role(client, make_staff, name):
    for role in sorted(roles.ALL_ROLES):
        client.force_login(make_staff(role, "5107"))
        assert client.get(reverse(f"finance:{name}")).status_code == (200 if role in VIEWERS else 403), role


def test_actions_check_the_role_and_the_region(client, make_staff, statement, checker):
    url = reverse("finance:statement_action", args=[statement.pk, "check"])
    client.force_login(make_staff(roles.MANAGER, "5107"))
    assert client.post(url).status_code == 403
    client.force_login(make_staff(roles.FINANCE, "12"))
    assert client.post(url).status_code == 404
    client.force_login(checker)
    assert client.post(url).status_code == 302
    statement.refresh_from_db()
    assert statement.state == "checked"


def test_maker_sees_the_refusal_to_check_their_own_statement(client, statement, maker):
    client.force_login(maker)
    response = client.post(reverse("finance:statement_action", args=[statement.pk, "check"]), follow=True)
    assert "制单人不能复核自己制作的对账单" in response.content.decode()


def test_month_overview_lists_the_statement_and_hospitals_to_clear(
    client, statement, settle, hospital_factory, maker
):
    other = hospital_factory(code="H510703009", name="城厢街道卫生院")
    settle(dt.date(2023, 3, 15), at=other)
    client.force_login(maker)
    page = client.get(reverse("finance:clearing"), {"month": "2023-03"}).content.decode()
    assert "涪城区人民医院" in page
    assert "草稿" in page
    assert "城厢街道卫生院" in page
    assert "生成对账单" in page


def test_bad_month_is_named(client, maker):
    client.force_login(maker)
    page = client.get(reverse("finance:clearing"), {"month": "2023-13"}, follow=True).content.decode()
    assert "月份应写作 2026-11：2023-13" in page


def test_xlsx_and_pdf_carry_the_lines_and_totals(client, statement, maker, checker, approver, budget):
    client.force_login(checker)
    response = client.get(reverse("finance:statement_xlsx", args=[statement.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "医疗机构垫付资金对账单"
    totals = next(row for row in rows if row[0] == "合计")
    assert totals[-1] == float(statement.to_repay)
    response = client.get(reverse("finance:statement_pdf", args=[statement.pk]))
    assert response.content.startswith(b"%PDF")


def test_fund_report_shows_budget_execution(client, statement, maker, checker, approver, budget):
    statement = cleared(statement, maker=maker, checker=checker, approver=approver)
    clearing.pay_statement(statement=statement, by=maker, reference="ZF", payment_date=dt.date.today())
    client.force_login(approver)
    page = client.get(reverse("finance:funds")).content.decode()
    assert "医疗救助基金" in page
    assert "1,000,000.00" in page
    assert "100.00" in page


def test_manager_sets_a_budget_and_finance_records_income(client, approver, maker):
    client.force_login(maker)
    assert client.get(reverse("finance:budget_set")).status_code == 403
    data = {
        "fund": "medical_assistance",
        "region": "5107",
        "kind": "appropriation",
        "amount": "500.00",
        "date": dt.date.today().isoformat(),
        "reference": "CZ-1",
    }
    assert client.post(reverse("finance:income_create"), data).status_code == 302
    client.force_login(approver)
    response = client.post(
        reverse("finance:budget_set"),
        {"fund": "medical_assistance", "region": "5107", "year": 2026, "amount": "9.00"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("finance:budget_set"),
        {"fund": "special_care", "region": "5107", "year": 2026, "amount": "9.00"},
    )
    assert response.status_code == 200  # not a fund of Mianyang: the form says so


def test_manager_navigation_links_the_finance_pages(client, approver):
    client.force_login(approver)
    page = client.get(reverse("home")).content.decode()
    assert reverse("finance:clearing") in page
    assert reverse("finance:funds") in page
