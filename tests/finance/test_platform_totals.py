"""Import of the platform's monthly totals (page and REST) and the reconciliation that blocks approval."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.errors import DomainError
from finance import clearing
from finance.errors import ClearingError
from finance.models import PlatformTotal
from finance.reconciliation import mismatches
from tests.finance.test_clearing import MARCH

pytestmark = pytest.mark.django_db


def csv_file(*rows, name="对总账.csv"):
    lines = ["医疗机构编码,月份,结算笔数,医疗救助基金支付金额", *rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_api_imports_totals_and_reimport_changes_nothing(hospital, maker):
    client = api(maker)
    url = reverse("api_platform_totals")
    response = client.post(url, {"file": csv_file("H510703001,2023-03,2,1234.50")}, format="multipart")
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    response = client.post(url, {"file": csv_file("H510703001,202303,2,1234.50")}, format="multipart")
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 1}
    total = PlatformTotal.objects.get()
    assert (total.month, total.record_count, total.assistance_total) == (MARCH, 2, Decimal("1234.50"))


def test_api_refuses_the_whole_file_with_every_wrong_row(hospital, maker):
    response = api(maker).post(
        reverse("api_platform_totals"),
        {"file": csv_file("H510703001,2023-03,2,1.00", "NOPE,2023-13,x,-1")},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "row_errors"
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (3, "医疗机构编码"),
        (3, "月份"),
        (3, "结算笔数"),
        (3, "医疗救助基金支付金额"),
    }
    assert not PlatformTotal.objects.exists()


def test_api_refuses_a_file_without_the_columns_and_other_roles(hospital, maker, reviewer):
    bad = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = api(maker).post(reverse("api_platform_totals"), {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "missing_columns"
    response = api(reviewer).post(reverse("api_platform_totals"), {"file": csv_file()}, format="multipart")
    assert response.status_code == 403


def test_page_imports_an_xlsx(client, hospital, maker):
    book = Workbook()
    book.active.append(["fixmedins_code", "month", "record_count", "maf_pay"])
    book.active.append(["H510703001", "2023-03", 3, 99.9])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(maker)
    upload = SimpleUploadedFile("totals.xlsx", buffer.getvalue())
    response = client.post(reverse("finance:platform_import"), {"file": upload})
    assert response.status_code == 302
    assert PlatformTotal.objects.get().assistance_total == Decimal("99.90")


def test_page_lists_row_errors(client, hospital, maker):
    client.force_login(maker)
    response = client.post(reverse("finance:platform_import"), {"file": csv_file("H510703001,2023-03,1,abc")})
    assert response.status_code == 200
    assert "金额应为非负数" in response.content.decode()


def test_mismatches_block_approval_until_explained(settle, hospital, maker, checker, approver, budget):
    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    assert [m.kind for m in mismatches(statement)] == ["platform_missing"]
    line = statement.lines.get()
    PlatformTotal.objects.create(
        hospital=hospital,
        month=MARCH,
        record_count=2,
        assistance_total=line.assistance_advanced + Decimal("500.00"),
        file_name="t.csv",
        imported_by=maker,
    )
    found = mismatches(statement)
    assert [m.kind for m in found] == ["records", "amount"]
    assert "医保平台有 1 笔结算在本对账单中没有" in found[0].message
    clearing.check_statement(statement=statement, by=checker)
    with pytest.raises(DomainError) as refused:
        clearing.approve_statement(statement=statement, by=approver)
    assert refused.value.code == ClearingError.UNRESOLVED_MISMATCHES
    with pytest.raises(DomainError) as refused:
        clearing.accept_mismatches(statement=statement, by=maker, note="x")
    assert refused.value.code == ClearingError.MAKER_CANNOT_ACCEPT
    clearing.accept_mismatches(statement=statement, by=checker, note="一笔三月结算将于四月补录")
    clearing.approve_statement(statement=statement, by=approver)


def test_a_changed_platform_total_needs_a_new_explanation(settle, hospital, maker, checker, approver, budget):
    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    clearing.accept_mismatches(statement=statement, by=checker, note="平台尚未出账")
    clearing.check_statement(statement=statement, by=checker)
    PlatformTotal.objects.create(
        hospital=hospital,
        month=MARCH,
        record_count=5,
        assistance_total=Decimal("1.00"),
        file_name="t",
        imported_by=maker,
    )
    with pytest.raises(DomainError) as refused:
        clearing.approve_statement(statement=statement, by=approver)
    assert refused.value.code == ClearingError.UNRESOLVED_MISMATCHES


def test_a_cleared_months_platform_total_cannot_change(settle, hospital, maker, checker, approver, budget):
    from tests.finance.test_clearing import cleared

    settle(dt.date(2023, 3, 10))
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    cleared(statement, maker=maker, checker=checker, approver=approver)
    response = api(maker).post(
        reverse("api_platform_totals"), {"file": csv_file("H510703001,2023-03,9,9.00")}, format="multipart"
    )
    assert response.status_code == 400
    assert "该月已清算" in json.dumps(response.json(), ensure_ascii=False)
