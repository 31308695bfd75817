"""The bank file (full account numbers only there), the result file read back, the public notice."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from claimants.models import AuditLog
from payments import files, services
from payments.models import FailureReason
from tests.payments.conftest import ACCOUNT, result_csv

PAID_ON = dt.date(2023, 7, 3)


@pytest.mark.parametrize(
    ("name", "shown"),
    [("张三丰", "张*丰"), ("张三", "张*"), ("欧阳小锋", "欧**锋"), ("王", "王"), (" 李四 ", "李*")],
)
def test_public_notice_masks_the_middle_of_a_name(name, shown):
    assert files.mask_name(name) == shown


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("账号有误", FailureReason.WRONG_ACCOUNT),
        ("该账户已销户", FailureReason.CLOSED_ACCOUNT),
        ("户名与账号不符", FailureReason.NAME_MISMATCH),
        ("系统繁忙", FailureReason.OTHER),
    ],
)
def test_the_banks_failure_words_give_the_reason(text, reason):
    assert files.failure_reason_of(text) == reason


@pytest.mark.django_db
def test_bank_file_has_the_full_account_only_in_the_file_and_the_download_is_audited(
    client, approved_claim, released, checker
):
    application = approved_claim()
    batch = released([application])
    line = batch.lines.get()
    client.force_login(checker)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert ACCOUNT not in page
    assert f"****{ACCOUNT[-4:]}" in page
    response = client.get(reverse("payments:bank_file", args=[batch.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "收款人姓名", "开户银行", "银行账号", "金额", "支付参考号", "用途"]
    assert rows[1] == [
        "1",
        "王小五",
        "农业银行绵阳分行",
        ACCOUNT,
        str(line.amount),
        line.reference,
        "医疗救助金",
    ]
    assert application.claimant.id_number not in response.content.decode("utf-8-sig")
    response = client.get(reverse("payments:bank_file", args=[batch.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][3] == ACCOUNT
    assert AuditLog.objects.filter(action="export_bank_file", user=checker).count() == 2


@pytest.mark.django_db
def test_a_result_file_in_xlsx_is_read_like_the_csv(approved_claim, released, checker):
    from openpyxl import Workbook

    batch = released([approved_claim()])
    line = batch.lines.get()
    book = Workbook()
    book.active.append(["银行回盘"])  # a title above the header
    book.active.append(["支付参考号", "金额", "结果", "到账日期", "失败原因"])
    book.active.append([line.reference, float(line.amount), "成功", "2023/07/03", None])
    out = io.BytesIO()
    book.save(out)
    (result,) = files.read_bank_results("回盘.xlsx", out.getvalue())
    assert (result.reference, result.amount, result.paid, result.paid_on) == (
        line.reference,
        line.amount,
        True,
        PAID_ON,
    )


def test_a_result_file_lists_every_bad_line():
    content = result_csv(
        [
            ("ZF1", "abc", "成功", "2023-07-03", ""),
            ("ZF2", "10.00", "也许", "", ""),
            ("ZF3", "5.00", "失败", "", ""),
        ]
    )
    with pytest.raises(services.BankResultError) as excinfo:
        files.read_bank_results("r.csv", content)
    errors = excinfo.value.errors
    assert any("第2行" in e and "金额无效" in e for e in errors)
    assert any("第3行" in e and "结果" in e for e in errors)
    assert any("第4行" in e and "失败原因" in e for e in errors)


@pytest.mark.django_db
def test_public_notice_lists_the_townships_paid_month_with_masked_names_and_no_id_numbers(
    client, approved_claim, owed_settlement, released, checker
):
    application, settlement = approved_claim("王小五"), owed_settlement("欧阳小锋")
    batch = released([application], [settlement])
    rows = [(line.reference, line.amount, "成功", PAID_ON.isoformat(), "") for line in batch.lines.all()]
    services.import_bank_results(
        batch=batch, by=checker, results=files.read_bank_results("r.csv", result_csv(rows))
    )
    client.force_login(checker)
    query = {"region": "510703001", "month": "2023-07"}
    page = client.get(reverse("payments:notice"), query).content.decode()
    assert "王*五" in page
    assert "欧**锋" in page
    assert "低保对象" in page
    assert "王小五" not in page
    assert "欧阳小锋" not in page
    for person in (application.claimant, settlement.claimant):
        assert person.id_number not in page
        assert person.id_number[-4:] not in page
    response = client.get(reverse("payments:notice_xlsx"), query)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == ["序号", "姓名", "救助类别", "救助金额", "发放日期"]
    names = {row[1] for row in values[2:-1]}
    assert names == {"王*五", "欧**锋"}
    text = repr(values)
    assert application.claimant.id_number not in text
    assert settlement.claimant.id_number not in text
    assert (
        client.get(reverse("payments:notice"), {"region": "510703001", "month": "2023-08"}).context["rows"]
        == []
    )
