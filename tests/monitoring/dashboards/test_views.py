"""The dashboard as each role sees it: who may open it, what it shows, filters remembered, XLSX exports."""

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from finance.models import Budget
from monitoring.dashboards import selectors

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:dashboard")


def panel(response, key):
    return next(p for p in response.context["panels"] if p.key == key)


@pytest.mark.parametrize("role", ["caseworker", "reviewer", "civil_officer", "rural_officer"])
def test_dashboard_is_refused_to_staff_other_than_managers(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("monitoring:dashboard_export", args=["paid_by_month"])).status_code == 403
    assert client.get(reverse("monitoring:dashboard_report"), {"month": "2023-03"}).status_code == 403


@pytest.mark.parametrize("role", ["manager", "sysadmin"])
def test_managers_and_administrators_see_the_dashboard(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert {"paid_by_month", "applications_by_step", "alerts_by_department"} <= {
        p.key for p in response.context["panels"]
    }


def test_filters_are_remembered_in_the_session(client, manager):
    client.force_login(manager)
    client.get(URL, {"region": "510703", "year": 2023})
    scope = client.get(URL).context["scope"]
    assert (scope.region.code, scope.year) == ("510703", 2023)


def test_the_dashboard_opens_on_the_latest_year_with_settlements(client, manager, settle):
    client.force_login(manager)
    assert client.get(URL).context["scope"].year == timezone.localdate().year  # nothing settled anywhere
    client.logout()
    settle("dibao", dt.date(2023, 3, 22))
    client.force_login(manager)
    scope = client.get(URL).context["scope"]
    assert scope.year == 2023
    response = client.get(URL)
    assert panel(response, "paid_by_month").rows  # the figures of that year, not an empty page
    assert response.context["report_form"].initial["month"] == "2023-12"  # that year's monthly report


def test_a_region_outside_the_users_subtree_is_not_accepted(client, manager):
    client.force_login(manager)
    scope = client.get(URL, {"region": "1101", "year": 2023}).context["scope"]
    assert scope.region.code == manager.region_id


def test_paid_figures_are_those_of_the_settlements_by_month_and_category(client, manager, settle):
    march = settle("dibao", dt.date(2023, 3, 22))
    may = settle(
        "marginal", dt.date(2023, 5, 9), policy_scope_cost=Decimal("14000.00"), total_cost=Decimal("15000.00")
    )
    client.force_login(manager)
    response = client.get(URL, {"region": "5107", "year": 2023})
    months = {row[0]: row for row in panel(response, "paid_by_month").rows}
    assert months["2023-03"][1:4] == [
        march.tier("medical_assistance"),
        march.tier("tilted_assistance"),
        march.tier("major_illness_assistance"),
    ]
    assert months["2023-05"][4] == may.assistance
    assert months["2023-04"][4] == 0
    categories = {row[0]: row for row in panel(response, "paid_by_category").rows}
    assert categories["低保对象"][3] == march.assistance
    assert categories["低保边缘家庭成员"][3] == may.assistance
    fund = panel(response, "fund_use")
    assert fund.rows[0][1] == march.assistance + may.assistance


def test_a_reversed_settlement_leaves_the_figures(client, manager, reviewer, settle):
    from settlements.services import reverse_settlement

    kept = settle("dibao", dt.date(2023, 3, 22))
    reverse_settlement(settlement=settle("dibao", dt.date(2023, 3, 25)), by=reviewer, reason="录入错误")
    client.force_login(manager)
    months = {row[0]: row for row in panel(client.get(URL, {"year": 2023}), "paid_by_month").rows}
    assert months["2023-03"][4] == kept.assistance


def test_figures_are_scoped_to_the_chosen_region(client, manager, settle, other_county_township):
    inside = settle("dibao")
    settle("dibao", claimant_fields={"hukou_region": other_county_township})
    client.force_login(manager)
    rows = panel(client.get(URL, {"region": "510703", "year": 2023}), "paid_by_region").rows
    assert [row[1] for row in rows] == ["510703001"]
    assert rows[0][2] == inside.assistance


def test_county_manager_does_not_see_other_counties(client, make_staff, settle, other_county_township):
    settle("dibao", claimant_fields={"hukou_region": other_county_township})
    client.force_login(make_staff("manager", "510703"))
    response = client.get(URL, {"region": other_county_township.code[:6], "year": 2023})
    assert response.context["scope"].region.code == "510703"
    assert all(row[4] == 0 for row in panel(response, "paid_by_month").rows)


def test_largest_burdens_list_people_with_masked_id_numbers(client, manager, settle):
    light = settle("dibao", policy_scope_cost=Decimal("3000.00"), total_cost=Decimal("3000.00"))
    heavy = settle("marginal", policy_scope_cost=Decimal("90000.00"), total_cost=Decimal("95000.00"))
    client.force_login(manager)
    rows = panel(client.get(URL, {"year": 2023}), "largest_burdens").rows
    assert [row[0] for row in rows] == [heavy.claimant.name, light.claimant.name]
    assert rows[0][1] == heavy.claimant.masked_id_number
    assert rows[0][4] == heavy.personal_burden


def test_panel_export_writes_names_as_text_never_as_formulas(client, manager, settle):
    heavy = settle("marginal", policy_scope_cost=Decimal("90000.00"), total_cost=Decimal("95000.00"))
    heavy.claimant.name = "=1+1"
    heavy.claimant.save()
    client.force_login(manager)
    response = client.get(reverse("monitoring:dashboard_export", args=["largest_burdens"]), {"year": 2023})
    sheet = load_workbook(BytesIO(response.content)).active
    cell = next(row[0] for row in sheet.iter_rows() if row[0].value == "=1+1")
    assert cell.data_type == "s"


def test_alerts_per_department(client, manager, alert):
    alert("civil_affairs")
    alert("civil_affairs", result="certified")
    alert("rural_revitalization", result="not_eligible")
    client.force_login(manager)
    rows = {row[0]: row[1:] for row in panel(client.get(URL, {"year": 2023}), "alerts_by_department").rows}
    # pushed, answered, certified, overdue (30 days long past for March 2023)
    assert rows["民政"] == [2, 1, 1, 1]
    assert rows["农业农村（乡村振兴）"] == [1, 1, 0, 0]


def test_panel_export_is_the_table_beside_the_chart(client, manager, settle):
    march = settle("dibao")
    client.force_login(manager)
    client.get(URL, {"year": 2023})
    response = client.get(reverse("monitoring:dashboard_export", args=["paid_by_category"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header = rows.index(("救助身份", "结算人次", "获救助人次", "救助金额"))
    assert rows[header + 1] == ("低保对象", 1, 1, float(march.assistance))


def test_dashboard_tables_group_amounts_by_thousands_and_the_export_keeps_numbers(client, manager, settle):
    settled = settle("dibao", policy_scope_cost=Decimal("100000.00"), total_cost=Decimal("100000.00"))
    Budget.objects.create(
        fund="medical_assistance", region_id="5107", year=2023, amount=Decimal("1000000.00"), set_by=manager
    )  # the city's fund account, as the finance page sets it
    client.force_login(manager)

    page = client.get(URL, {"year": 2023}).content.decode()

    assert settled.assistance >= 1000
    assert f'<td class="money">{settled.assistance:,.2f}</td>' in page
    assert str(settled.assistance) not in re.sub(
        r"<script\b.*?</script>", "", page, flags=re.S
    )  # charts: numbers
    assert "1,000,000.00 元" in page  # the year's budget
    response = client.get(reverse("monitoring:dashboard_export", args=["paid_by_tier"]))
    cells = [
        cell
        for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert float(settled.tier("medical_assistance")) in cells


def test_headline_figures_of_the_year_open_the_dashboard(client, manager, reviewer, settle):
    from settlements.services import reverse_settlement

    first = settle("dibao", dt.date(2023, 3, 22))
    second = settle(
        "marginal",
        dt.date(2023, 5, 9),
        policy_scope_cost=Decimal("140000.00"),
        total_cost=Decimal("150000.00"),
    )
    settle("dibao", dt.date(2023, 6, 1), claimant=first.claimant)
    reverse_settlement(settlement=settle("dibao", dt.date(2023, 7, 1)), by=reviewer, reason="录入错误")
    client.force_login(manager)

    response = client.get(URL, {"year": 2023})

    headline = response.context["headline"]
    paid = (
        first.assistance
        + second.assistance
        + first.claimant.settlements.filter(reversed_at__isnull=True).exclude(pk=first.pk).get().assistance
    )
    assert (headline.people, headline.visits, headline.paid) == (2, 3, paid)
    page = response.content.decode()
    assert page.index("data-headline") < page.index("data-panel")
    assert f'<div class="fs-3" data-figure="paid">{paid:,.2f}</div>' in page
    assert '<div class="fs-3" data-figure="visits">3</div>' in page
    assert "2023年救助人数" in page


def test_every_table_of_figures_ends_with_a_total_row(client, manager, settle):
    march = settle("dibao", dt.date(2023, 3, 22))
    may = settle("marginal", dt.date(2023, 5, 9), policy_scope_cost=Decimal("14000.00"))
    client.force_login(manager)

    response = client.get(URL, {"year": 2023})

    months = panel(response, "paid_by_month")
    total = march.assistance + may.assistance
    assert months.totals[0][0] == "合计"
    assert months.totals[4] == (total, True)
    assert panel(response, "paid_by_category").totals[1:] == [(2, False), (2, False), (total, True)]
    assert panel(response, "paid_by_region").totals[1:] == [("", False), (total, True)]
    assert panel(response, "largest_burdens").totals is None  # ten people of many: no sum
    page = response.content.decode()
    assert page.count("data-total") >= 5
    assert f'<td class="money">{total:,.2f}</td></tr></tfoot>' in page


def test_a_total_row_adds_up_counts_and_amounts_and_skips_missing_figures():
    table = selectors.Panel(
        "x",
        "x",
        ["step", "n", "median", "paid"],
        [["a", 2, None, Decimal("1.10")], ["b", 3, 4.5, Decimal("2.25")]],
        money_columns=(3,),
        total_columns=(1, 3),
    )
    assert table.totals == [("合计", False), (5, False), ("", False), (Decimal("3.35"), True)]
    assert selectors.Panel("y", "y", ["a", "b"], [], total_columns=(1,)).totals is None


def test_a_tables_cells_are_written_grouped_and_escaped():
    table = selectors.Panel(
        "x",
        "x",
        ["name", "n", "paid"],
        [["<b>某镇</b>", 27018, Decimal("12362.5")], ["B & C", None, None]],
        money_columns=(2,),
        total_columns=(1, 2),
    )
    assert table.html_rows == [
        '<td>&lt;b&gt;某镇&lt;/b&gt;</td><td>27,018</td><td class="money">12,362.50</td>',
        '<td>B &amp; C</td><td>—</td><td class="money">—</td>',
    ]
    assert table.html_totals == '<td>合计</td><td>27,018</td><td class="money">12,362.50</td>'


def test_unknown_panel_export_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get(reverse("monitoring:dashboard_export", args=["nothing"])).status_code == 404


def test_dashboard_queries_do_not_grow_with_rows(
    client, manager, settle, alert, django_assert_max_num_queries
):
    for day in range(1, 6):
        settle("dibao", dt.date(2023, 3, day + 10))
        alert("civil_affairs")
    client.force_login(manager)
    with django_assert_max_num_queries(26):
        assert client.get(URL, {"year": 2023}).status_code == 200


def test_amounts_are_shown_to_the_cent_whatever_the_database_sums_return():
    # SQLite sums decimals with float noise (7419.10000000000); percentages keep their one place.
    table = selectors.Panel(
        "x", "x", ["m", "paid", "share"], [["2023-02", Decimal("7419.10000000000"), Decimal("92.5")]]
    )
    assert table.rows == [["2023-02", Decimal("7419.10"), Decimal("92.5")]]
    assert str(table.rows[0][1]) == "7419.10"
    assert selectors.Panel("y", "y", ["a"], [[Decimal("0.005")]]).rows == [[Decimal("0.01")]]  # half-up


def test_amounts_are_split_by_paying_fund_on_the_dashboard_and_in_the_monthly_report(
    client, make_staff, policy_year_factory, claimant_factory, certification_factory, visit_factory, reviewer
):
    """Clarification 25: Tianjin pays the severe-disability track from its own fund."""
    from claimants.models import Region
    from settlements.services import settle_visit

    policy_year_factory(jurisdiction="tianjin", year=2023, income_last_year=Decimal("48976.00"))
    township = (
        Region.objects.filter(jurisdiction="tianjin", level=Region.Level.TOWNSHIP).order_by("code").first()
    )
    settled = {}
    for category in ("tianjin_severe_disability", "dibao"):
        person = claimant_factory(hukou_region=township, insured_region=township)
        certification_factory(claimant=person, category=category, valid_from=dt.date(2020, 1, 1))
        visit = visit_factory(
            claimant=person,
            admitted=dt.date(2023, 3, 1),
            discharged=dt.date(2023, 3, 10),
            policy_scope_cost=Decimal("150000.00"),
            total_cost=Decimal("150000.00"),
            basic_insurance_paid=Decimal("50000.00"),
        )
        settled[category] = settle_visit(visit=visit, by=reviewer)
    assert settled["tianjin_severe_disability"].fund == "severe_disability"
    assert settled["dibao"].fund == "medical_assistance"
    client.force_login(make_staff("manager", township.code[:2]))
    rows = dict(panel(client.get(URL, {"year": 2023}), "paid_by_fund").rows)
    assert rows == {
        "其他重度残疾人医疗救助资金": settled["tianjin_severe_disability"].assistance,
        "医疗救助基金": settled["dibao"].assistance,
    }
    report = client.get(reverse("monitoring:dashboard_report"), {"month": "2023-03"})
    cells = {
        row[0]: row[-1] for row in load_workbook(BytesIO(report.content)).active.iter_rows(values_only=True)
    }
    assert (
        Decimal(str(cells["其他重度残疾人医疗救助资金"])) == settled["tianjin_severe_disability"].assistance
    )
