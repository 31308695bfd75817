"""Every list page reads its rows with a fixed number of queries: three times the rows, the same count.

The claimant, visit, application, alert and dashboard lists pin theirs in their own tests; these are the
others a reviewer, an officer or a manager opens every day.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claimants import imports
from claimants.models import Region
from monitoring import services as monitoring_services
from settlements.services import settle_visit
from settlements.visit_import import KIND as VISITS

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def assert_flat(client, user, url: str, add_rows, marker: str) -> None:
    """``add_rows(n)`` adds n rows the page lists; ``marker`` (a pattern) matches once per row. The first
    request warms the process-wide caches (the region choices), as any earlier page would have."""
    client.force_login(user)
    add_rows(2)
    count_queries(client, url)
    few, page = count_queries(client, url)
    shown = len(re.findall(marker, page))
    add_rows(4)
    many, page = count_queries(client, url)
    assert len(re.findall(marker, page)) == shown + 4
    assert many == few


def test_settlement_list(client, reviewer, policy_year_factory, claimant_factory, visit_factory):
    policy_year_factory(jurisdiction="mianyang", year=2023)

    def add(n):
        for _ in range(n):
            settle_visit(visit=visit_factory(claimant=claimant_factory()), by=reviewer)

    assert_flat(client, reviewer, reverse("settlements:settlement_list"), add, r'href="/settlements/\d+/"')


def test_certification_list(client, civil_officer, claimant_factory, certification_factory):
    def add(n):
        for _ in range(n):
            certification_factory(claimant=claimant_factory(), category="dibao")

    assert_flat(client, civil_officer, reverse("claimants:certification_list"), add, "<td >低保对象</td>")


def test_policy_year_list(client, make_staff, policy_year_factory):
    admin = make_staff("system_administrator", "5107", username="my_admin_q")
    years = iter(range(2000, 2030))

    def add(n):
        for _ in range(n):
            policy_year_factory(jurisdiction="mianyang", year=next(years))

    assert_flat(
        client, admin, reverse("settlements:policy_year_list"), add, r'href="/settlements/policy-years/\d+/'
    )


def test_visit_import_list(client, reviewer, claimant_factory, policy_year_factory):
    policy_year_factory(jurisdiction="mianyang", year=2023)
    person = claimant_factory()
    refs = iter(range(100))

    def add(n):
        for _ in range(n):
            header = "setl_id,certno,psn_name,med_type,setl_time,medfee_sumamt,inscp_scp_amt,hifp_pay\n"
            row = f"S{next(refs)},{person.id_number},{person.name},21,2023-03-10,12000,10000,6000\n"
            content = (header + row).encode()
            imports.stage(kind=VISITS, file_name="records.csv", content=content, by=reviewer)

    assert_flat(client, reviewer, reverse("settlements:import_list"), add, "records.csv")


def test_push_batch_list(client, reviewer, policy_year_factory, claimant_factory, visit_factory):
    policy_year_factory(jurisdiction="mianyang", year=2023, income_last_year=Decimal("33000.00"))
    months = iter(range(1, 13))
    visit_factory(
        claimant=claimant_factory(hukou_region=Region.objects.get(code="510703001")),
        admitted=dt.date(2023, 1, 2),
        discharged=dt.date(2023, 1, 5),
        policy_scope_cost=Decimal("30000.00"),
        total_cost=Decimal("30000.00"),
        basic_insurance_paid=Decimal("1000.00"),
    )

    def add(n):  # each month adds one batch per county of the city
        before = monitoring_services.counties_to_run(period=dt.date(2023, 1, 1))
        for _ in range(n // len(before) or 1):
            monitoring_services.run_monthly_alerts(period=dt.date(2023, next(months), 1))

    client.force_login(reviewer)
    add(1)
    count_queries(client, reverse("monitoring:batch_list"))
    few, _ = count_queries(client, reverse("monitoring:batch_list"))
    add(len(monitoring_services.counties_to_run(period=dt.date(2023, 1, 1))) * 2)
    many, _ = count_queries(client, reverse("monitoring:batch_list"))
    assert many == few
