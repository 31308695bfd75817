"""The administrator edits a policy year in the browser: the 大病 segments as rows (a row added with the
button), the date kept as shown, an unchanged save in English; no JSON anywhere."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.roles import Role
from settlements.models import PolicyYear

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-word-123"  # tests.factories.UserFactory


@pytest.fixture
def beijing_year(regions, make_staff, policy_year_factory):
    make_staff(Role.SYSTEM_ADMINISTRATOR, "11", username="e2e_bj_admin")
    return policy_year_factory(jurisdiction="beijing", year=2023, income_last_year=Decimal("77415.00"))


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_segments_are_edited_as_rows_and_an_unchanged_save_succeeds(
    page, live_server, beijing_year, screenshot
):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "e2e_bj_admin")
    page.goto(f"{live_server.url}/settlements/policy-years/{beijing_year.pk}/")
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.locator("#id_effective_from")).to_have_value("2023-01-01")

    page.fill("#id_critical_illness_threshold", "40000")
    page.fill("#id_critical_illness_segments-0-up_to", "50000")
    page.fill("#id_critical_illness_segments-0-ratio", "0.60")
    page.fill("#id_critical_illness_segments-1-up_to", "100000")
    page.fill("#id_critical_illness_segments-1-ratio", "0.65")
    page.get_by_role("button", name="添加一段").click()
    page.fill("#id_critical_illness_segments-2-ratio", "0.70")
    screenshot("policy-year-editor-segments")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("政策参数已保存")
    beijing_year.refresh_from_db()
    assert [row["up_to"] for row in beijing_year.parameters["critical_illness_segments"]] == [
        "50000.00",
        "100000.00",
        None,
    ]

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/settlements/policy-years/{beijing_year.pk}/")
    expect(page.locator("#id_effective_from")).to_have_value("2023-01-01")
    expect(page.get_by_text("Critical-illness insurance segments").first).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/settlements/policy-years/$"))
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was changed")
    assert PolicyYear.objects.get(pk=beijing_year.pk).version == beijing_year.version
