"""An application walked from registration to approval through the real pages, in Chinese, by the township
caseworker, the civil-affairs officer and the medical-security reviewer."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from applications.models import AssistanceApplication, State
from core.roles import Role
from tests.applications.test_documents import PDF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-word-123"  # tests.factories.UserFactory


@pytest.fixture
def people(regions, make_staff, claimant_factory, visit_factory, policy_year_factory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    policy_year_factory(jurisdiction="mianyang", year=2023)
    claimant = claimant_factory(name="赵六")
    visit = visit_factory(
        claimant=claimant, policy_scope_cost=Decimal("20000.00"), total_cost=Decimal("22000.00")
    )
    return {
        "claimant": claimant,
        "visit": visit,
        "caseworker": make_staff(Role.TOWNSHIP_CASEWORKER, "510703001", username="e2e_caseworker"),
        "civil": make_staff(Role.CIVIL_AFFAIRS_OFFICER, "5107", username="e2e_civil"),
        "reviewer": make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="e2e_reviewer"),
    }


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("nav").get_by_role("link", name=re.compile("救助申请"))).to_be_visible()


def act(page, label):
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("已完成")


def test_application_from_registration_to_approval_awaiting_a_payment_batch(
    page, live_server, people, screenshot, tmp_path
):
    claimant = people["claimant"]
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation of approving

    # The township caseworker registers the application, uploads the invoice, accepts and refers it.
    login(page, live_server, "e2e_caseworker")
    page.goto(f"{live_server.url}/settlements/applications/")
    page.get_by_role("link", name="登记申请").click()
    page.fill("#id_q", claimant.id_number)  # the whole number: straight to the registration form
    page.get_by_role("button", name="查找申请人").click()
    page.select_option("#id_kind", "certification")
    page.select_option("#id_requested_category", "marginal")
    page.get_by_label(re.compile("住院")).check()
    page.fill("#id_statement", "因病致家庭生活困难，申请低保边缘家庭认定并报销垫付费用")
    page.fill("#id_submitted_on", "2023-06-01")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert").first).to_contain_text("申请已登记")
    invoice = tmp_path / "发票.pdf"
    invoice.write_bytes(PDF)
    page.select_option("select[name=kind]", "invoice")
    page.set_input_files("input[name=file]", str(invoice))
    page.get_by_role("button", name="上传材料").click()
    expect(page.get_by_role("link", name=re.compile("医疗费用发票"))).to_be_visible()
    act(page, "受理")
    act(page, "转办认定")
    expect(page.locator("h1 .badge")).to_have_text("已转办")
    screenshot("01-caseworker-referred")

    # The civil-affairs officer finds it in the queue and certifies, with the reason.
    login(page, live_server, "e2e_civil")
    expect(page.locator("nav").get_by_role("link", name=re.compile("救助申请"))).to_contain_text("1")
    page.goto(f"{live_server.url}/settlements/applications/")
    screenshot("02-civil-queue")
    page.get_by_role("link", name=re.compile(r"SQ\d+")).first.click()
    page.fill("#id_certify-valid_from", "2023-01-01")
    page.fill("#id_certify-certificate_number", "MZ-2023-0601")
    page.fill("#id_certify-reason", "经入户核查，家庭人均收入低于低保边缘标准，予以认定")
    act(page, "认定并反馈")
    expect(page.locator("h1 .badge")).to_have_text("已认定")

    # The medical-security reviewer approves (the settlement service computes the amount).
    login(page, live_server, "e2e_reviewer")
    page.goto(f"{live_server.url}/settlements/applications/")
    page.get_by_role("link", name=re.compile(r"SQ\d+")).first.click()
    application_url = page.url
    act(page, "审核通过")  # the next application awaiting approval opens, or the list; back to this one
    expect(page.get_by_role("alert").first.get_by_role("link", name=re.compile(r"SQ\d+"))).to_be_visible()
    page.goto(application_url)
    shown = page.locator("#assessed-amount").inner_text().strip()  # grouped by thousands: 12,362.50
    amount = shown.replace(",", "")
    assert Decimal(amount) > 0
    screenshot("03-reviewer-approved")
    # Payment is no longer a button here: the amount waits for a payment batch (tests/e2e/test_payment_batch.py).
    expect(page.locator("#payment-state")).to_have_text("待纳入支付批次")
    expect(page.get_by_role("button", name="登记支付")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("认定并反馈")
    screenshot("04-approved-timeline")

    application = AssistanceApplication.objects.get()
    assert application.state == State.APPROVED
    assert application.assessed_amount == Decimal(amount)
    assert list(application.events.values_list("kind", flat=True)) == [
        "registered",
        "document_added",
        "accepted",
        "referred",
        "certified",
        "approved",
    ]
