"""The manager's dashboard in a real browser: charts drawn, tables beside them, filters remembered,
the monthly report downloaded. Screenshots go to artifacts/screenshots/."""

import datetime as dt

import pytest
from openpyxl import load_workbook

from tests.monitoring.dashboards.conftest import alert, mianyang_2023, settle  # noqa: F401  (data fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_sees_charts_and_tables_and_filters_are_remembered(
    page,
    live_server,
    login,
    manager,
    settle,  # noqa: F811
    alert,  # noqa: F811
    screenshot,
):
    settle("dibao", dt.date(2023, 3, 22))
    settle("marginal", dt.date(2023, 5, 9))
    alert("civil_affairs", result="certified")
    login(page, manager)
    page.goto(f"{live_server.url}/monitoring/dashboard/?region=5107&year=2023")
    page.wait_for_selector("canvas[data-rendered=true]")
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() == page.locator("section[data-panel] table").count() > 8
    assert page.locator("canvas[data-rendered=true]").count() == canvases.count()
    assert "低保对象" in page.locator("section[data-panel=paid_by_category] table").inner_text()
    screenshot("dashboard-city")

    page.select_option("select[name=region]", "510703")
    page.click("form[data-dashboard-filters] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/monitoring/dashboard/")
    assert page.locator("select[name=region]").input_value() == "510703"
    assert page.locator("select[name=year]").input_value() == "2023"


def test_manager_downloads_the_monthly_report(page, live_server, login, manager, settle, screenshot):  # noqa: F811
    settle("dibao", dt.date(2023, 3, 22))
    login(page, manager)
    page.goto(f"{live_server.url}/monitoring/dashboard/?region=5107&year=2023")
    page.fill("input[name=month]", "2023-03")
    screenshot("dashboard-report-form")
    with page.expect_download() as download_info:
        page.click("form[data-report-form] button[type=submit]")
    download = download_info.value
    assert download.suggested_filename == "monthly-report-5107-2023-03.xlsx"
    with open(download.path(), "rb") as downloaded:
        rows = list(load_workbook(downloaded).active.iter_rows(values_only=True))
    assert rows[0][0] == "医疗救助月报"
    assert ("低保对象", "住院", 1, 1, None, None) in rows
