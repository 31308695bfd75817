"""The monthly report (医疗救助月报) opened with openpyxl and checked against the data made here."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from settlements.services import reverse_settlement

pytestmark = pytest.mark.django_db


def section(rows, title):
    """The rows of one numbered section: after its title and header, up to the next blank row."""
    start = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith(title)) + 2
    end = next((i for i in range(start, len(rows)) if not any(rows[i])), len(rows))
    return [tuple(v for v in row if v is not None) for row in rows[start:end]]


def test_monthly_report_counts_people_times_amounts_caps_and_alerts(
    client, manager, reviewer, settle, alert, claimant_factory, certification_factory
):
    twice = claimant_factory(name="王五")
    certification_factory(claimant=twice, category="dibao", valid_from=dt.date(2020, 1, 1))
    first = settle(claimant=twice, discharged=dt.date(2023, 3, 5))
    second = settle(
        claimant=twice,
        discharged=dt.date(2023, 3, 20),
        visit_type="outpatient_chronic_special",
        total_cost=Decimal("2000.00"),
        policy_scope_cost=Decimal("1800.00"),
    )
    marginal = settle(
        "marginal",
        dt.date(2023, 3, 28),
        policy_scope_cost=Decimal("400000.00"),
        total_cost=Decimal("420000.00"),
    )
    settle("dibao", dt.date(2023, 4, 2))  # another month
    reverse_settlement(settlement=settle("dibao", dt.date(2023, 3, 9)), by=reviewer, reason="重复录入")
    alert("civil_affairs", result="certified")
    alert("civil_affairs")
    alert("rural_revitalization", result="not_eligible")
    alert("civil_affairs", period=dt.date(2023, 2, 1))  # another month

    client.force_login(manager)
    response = client.get(reverse("monitoring:dashboard_report"), {"month": "2023-03"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))

    people = section(rows, "一、")
    assert ("低保对象", "住院", 1, 1) in people
    assert ("低保对象", "门诊慢特病", 1, 1) in people
    assert ("低保边缘家庭成员", "住院", 1, 1) in people
    assert people[-1] == ("合计", 2, 3)

    amounts = dict((row[0], row[1:]) for row in section(rows, "二、"))
    dibao = [first, second]
    assert amounts["低保对象"][1] == float(sum(s.tier("medical_assistance") for s in dibao))
    assert amounts["合计"][4] == float(sum(s.assistance for s in [first, second, marginal]))

    caps = section(rows, "三、")
    assert marginal.reason == "cap_reached"
    assert ("低保边缘家庭成员", 1, 1) in caps
    assert caps[-1] == ("合计", 1, 1)

    alerts = dict((row[0], row[1:]) for row in section(rows, "四、"))
    assert alerts["民政"] == (2, 1, 1, 0, 0)
    assert alerts["农业农村（乡村振兴）"] == (1, 1, 0, 1, 0)


def test_monthly_report_needs_a_month(client, manager):
    client.force_login(manager)
    assert client.get(reverse("monitoring:dashboard_report"), {"month": "March"}).status_code == 400
