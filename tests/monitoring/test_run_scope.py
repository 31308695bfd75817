"""A manager's run covers their own region; run records show the counts of the viewer's region only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from claimants.models import Region
from monitoring import services
from monitoring.models import AlertRun, HighCostAlert, PushBatch

pytestmark = pytest.mark.django_db
MARCH = dt.date(2023, 3, 1)


@pytest.fixture
def two_cities(mianyang_2023, policy_year_factory, person_with_costs):
    policy_year_factory(jurisdiction="beijing", year=2023, income_last_year=Decimal("33000.00"))
    beijing = (
        Region.objects.filter(jurisdiction="beijing", level=Region.Level.TOWNSHIP).order_by("code").first()
    )
    return {
        "mianyang": person_with_costs("40000.00"),
        "mianyang_other_county": person_with_costs("40000.00", hukou="510704001"),
        "beijing": person_with_costs("90000.00", hukou=beijing.code),
    }


def test_a_managers_run_creates_alerts_and_finishes_batches_in_their_region_only(
    client, two_cities, make_staff, django_capture_on_commit_callbacks
):
    client.force_login(make_staff("manager", "11"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("monitoring:run_start"), {"period": "2023-03"})
    run = AlertRun.objects.get()
    assert run.region_id == "11"
    assert run.status == AlertRun.Status.FINISHED
    assert set(HighCostAlert.objects.values_list("claimant_id", flat=True)) == {two_cities["beijing"].pk}
    assert not PushBatch.objects.filter(region__code__startswith="5107").exists()


def test_a_county_manager_sees_the_scheduled_runs_counts_of_their_county_only(client, two_cities, make_staff):
    run = services.run_monthly_alerts(period=MARCH, trigger=AlertRun.Trigger.SCHEDULE)
    assert run.hits == 3
    client.force_login(make_staff("manager", "510703"))
    progress = client.get(reverse("monitoring:run_progress", args=[run.pk])).json()
    assert progress["hits"] == 1
    assert progress["regions_total"] == progress["regions_done"] == 1
    page = client.get(reverse("monitoring:overview"))
    [shown] = page.context["runs"]
    assert (shown.hits, shown.regions_total) == (1, 1)


def test_another_citys_manual_run_is_not_shown(client, two_cities, make_staff):
    run = services.run_monthly_alerts(period=MARCH, region="11")
    client.force_login(make_staff("manager", "5107"))
    assert client.get(reverse("monitoring:run_progress", args=[run.pk])).status_code == 404
    assert client.get(reverse("monitoring:overview")).context["runs"] == []


def test_beijing_and_tianjin_push_to_civil_affairs_only(two_cities):
    """Clarification 26: rural revitalization receives the pushes of the national guideline and Mianyang."""
    services.run_monthly_alerts(period=MARCH)
    pushed = HighCostAlert.objects.filter(disposition="pushed")
    departments = {
        key: set(pushed.filter(claimant=person).values_list("department", flat=True))
        for key, person in two_cities.items()
    }
    assert departments["beijing"] == {"civil_affairs"}
    assert departments["mianyang"] == {"civil_affairs", "rural_revitalization"}
