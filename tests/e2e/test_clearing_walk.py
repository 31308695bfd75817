"""A hospital's month cleared in a real browser: built by one finance officer, checked by another,
approved by the manager, paid and reconciled. Screenshots go to artifacts/screenshots/."""

import datetime as dt

import pytest

from tests.finance.conftest import approver, budget, checker, hospital, maker, settle  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_month_is_cleared_end_to_end(
    page,
    live_server,
    login,
    settle,  # noqa: F811
    maker,  # noqa: F811
    checker,  # noqa: F811
    approver,  # noqa: F811
    budget,  # noqa: F811
    screenshot,
):
    settle(dt.date(2023, 3, 10))
    settle(dt.date(2023, 3, 18), advanced="100.00")
    login(page, maker)
    page.goto(f"{live_server.url}/finance/clearing/?month=2023-03")
    page.click("[data-to-build] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-state]").inner_text() == "草稿"
    assert page.locator("[data-lines] tr[data-line]").count() == 2
    screenshot("clearing-draft")
    page.context.clear_cookies()

    login(page, checker)
    page.goto(f"{live_server.url}/finance/clearing/?month=2023-03")
    page.click("[data-overview] td a")
    page.fill("#accept_note", "平台对总账下月初提供")
    page.click("[data-form=accept] button")
    page.click("button[value=check]")
    page.wait_for_load_state()
    assert page.locator("[data-state]").inner_text() == "已复核"
    statement_url = page.url
    page.context.clear_cookies()

    login(page, approver)
    page.goto(statement_url)
    page.click("[data-form=approve] button")
    page.wait_for_load_state()
    assert page.locator("[data-state]").inner_text() == "已批准支付"
    page.context.clear_cookies()

    login(page, maker)
    page.goto(statement_url)
    page.fill("#id_reference", "ZF2023-0301")
    page.click("[data-form=pay] button")
    page.wait_for_load_state()
    assert page.locator("[data-state]").inner_text() == "已支付"
    page.context.clear_cookies()

    login(page, checker)
    page.goto(statement_url)
    page.click("[data-actions] button:has-text('确认对账')")
    page.wait_for_load_state()
    assert page.locator("[data-state]").inner_text() == "已对账"
    screenshot("clearing-reconciled")
    assert page.locator("[data-events] tr").count() == 6
