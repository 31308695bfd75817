"""A payment batch walked through the real pages: a reviewer makes it, a second reviewer checks it, a
manager releases it and downloads the bank file; the bank's result file pays one item and bounces the
other; the bounced one comes back to the queue, its account is corrected and it goes into a new batch."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import AssistanceApplication, State
from core.roles import Role
from payments.models import BatchState, LineState, PaymentBatch
from tests.payments.conftest import (  # noqa: F401  (the payments fixtures)
    approved_claim,
    budget,
    dibao_person,
    owed_settlement,
    result_csv,
    with_payee,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-word-123"  # tests.factories.UserFactory


@pytest.fixture
def items(regions, make_staff, approved_claim, owed_settlement, budget):  # noqa: F811  (the fixtures imported above)
    make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="e2e_maker")
    make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="e2e_checker")
    make_staff(Role.MANAGER, "5107", username="e2e_manager")
    return approved_claim("赵小六"), owed_settlement("钱小七")


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("nav").get_by_role("link", name=re.compile("救助金给付"))).to_be_visible()


def test_a_batch_from_maker_to_checker_to_release_and_a_bounce_back_into_a_new_batch(
    page, live_server, items, screenshot, tmp_path
):
    application, settlement = items
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of checking and releasing

    # The maker selects both items and makes the batch.
    login(page, live_server, "e2e_maker")
    page.locator("nav").get_by_role("link", name=re.compile("救助金给付")).click()
    page.get_by_role("link", name="待支付事项").click()
    page.get_by_label(application.number).check()
    page.get_by_label(re.compile("钱小七")).check()
    screenshot("payments-01-maker-selects")
    page.get_by_role("button", name="制单").click()
    expect(page.get_by_role("alert").first).to_contain_text("已制单")
    expect(page.locator("#batch-state")).to_have_text("待复核")
    expect(page.get_by_role("button", name="复核通过")).to_have_count(0)  # not for the maker
    batch_url = page.url

    # A second reviewer checks it.
    login(page, live_server, "e2e_checker")
    page.goto(batch_url)
    page.get_by_role("button", name="复核通过").click()
    expect(page.locator("#batch-state")).to_have_text("已复核待放款")

    # The manager releases it and downloads the bank file.
    login(page, live_server, "e2e_manager")
    page.goto(batch_url)
    page.get_by_role("button", name="放款").click()
    expect(page.locator("#batch-state")).to_have_text("已放款待回盘")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载CSV").click()
    bank_file = download.value.path().read_text(encoding="utf-8-sig")
    assert "6222021234567890123" in bank_file
    expect(page.locator("#lines")).not_to_contain_text("6222021234567890123")
    screenshot("payments-02-released")

    # The bank's result: the claim is paid, the owed difference bounces (account closed).
    batch = PaymentBatch.objects.get()
    paid = batch.lines.get(application=application)
    bounced = batch.lines.get(settlement=settlement)
    result = tmp_path / "回盘.csv"
    result.write_bytes(
        result_csv(
            [
                (paid.reference, paid.amount, "成功", "2023-07-03", ""),
                (bounced.reference, bounced.amount, "失败", "", "账户已销户"),
            ]
        )
    )
    page.set_input_files("input[name=file]", str(result))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert").first).to_contain_text("到账 1 笔，失败 1 笔")
    expect(page.locator("#batch-state")).to_have_text("已回盘")
    expect(page.locator("#lines")).to_contain_text("账户已销户")
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.PAID

    # The bounced payment is back in the maker's queue; the account is corrected; a new batch takes it.
    login(page, live_server, "e2e_maker")
    page.goto(f"{live_server.url}/payments/payable/")
    row = page.locator("#payable-settlements tr", has_text="钱小七")
    expect(row).to_contain_text("账户已销户")
    row.get_by_role("link", name="更正").click()
    page.fill("#id_account_number", "6217000099998888")
    page.fill("#id_bank_name", "中国建设银行")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("收款账户已保存")
    page.get_by_label(re.compile("钱小七")).check()
    page.get_by_role("button", name="制单").click()
    expect(page.locator("#batch-state")).to_have_text("待复核")
    expect(page.locator("#lines")).to_contain_text("****8888")
    screenshot("payments-03-new-batch")

    second = PaymentBatch.objects.exclude(pk=batch.pk).get()
    assert second.state == BatchState.MADE
    assert second.lines.get().settlement == settlement
    assert batch.lines.get(settlement=settlement).state == LineState.FAILED
