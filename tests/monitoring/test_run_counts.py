"""One month's counts read the same wherever they are shown: the run's summary (the command), the monitoring
overview and the alert list. An empty month hands nothing over."""

import io
import json
from importlib import import_module

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.roles import Role
from monitoring.models import PushBatch, RunCounty

pytestmark = pytest.mark.django_db

COUNTERS = ("regions_total", "regions_done", "hits", "pushed", "carried_over", "reported")


def summary(period: str) -> dict:
    out = io.StringIO()
    call_command("run_monthly_alerts", "--period", period, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def overview_run(client) -> dict:
    page = client.get(reverse("monitoring:overview"))
    run = page.context["runs"][0]
    return {name: getattr(run, name) for name in COUNTERS} | {
        "metric_pushed": page.context["metrics"]["pushed"]
    }


def test_an_empty_month_finishes_every_county_without_a_push_batch(mianyang_2023, client, manager):
    counts = summary("2023-03")
    assert counts["regions_done"] == counts["regions_total"] == 9
    assert (counts["hits"], counts["pushed"], counts["reported"]) == (0, 0, 0)
    assert not PushBatch.objects.exists()
    assert RunCounty.objects.filter(finished_at__isnull=False).count() == 9
    client.force_login(manager)
    assert {k: v for k, v in overview_run(client).items() if k in COUNTERS} == {
        name: counts[name] for name in COUNTERS
    }
    batches = client.get(reverse("monitoring:batch_list")).context["table"].data
    assert len(batches) == 0


def test_the_runs_summary_the_overview_and_the_list_count_the_same_alerts(
    mianyang_2023, person_with_costs, certification_factory, client, manager
):
    ordinary = person_with_costs("20000.00")
    marginal = person_with_costs("40000.00", hukou="510704001")
    certification_factory(claimant=marginal, category="marginal")
    person_with_costs("1000.00")  # below the threshold
    counts = summary("2023-03")
    assert (counts["hits"], counts["pushed"], counts["reported"]) == (2, 4, 1)

    client.force_login(manager)
    shown = overview_run(client)
    assert {name: shown[name] for name in COUNTERS} == {name: counts[name] for name in COUNTERS}
    assert shown["metric_pushed"] == counts["pushed"]
    listed = client.get(reverse("monitoring:alert_list"), {"month": "2023-03"}).context["table"].data
    assert len(listed) == counts["pushed"] + counts["carried_over"] + counts["reported"]
    assert {alert.claimant_id for alert in listed} == {ordinary.pk, marginal.pk}
    assert sorted(PushBatch.objects.values_list("region_id", flat=True)) == ["510703", "510704"]


def test_a_county_manager_sees_the_late_people_a_second_city_run_pushed_in_the_county(
    mianyang_2023, person_with_costs, make_staff, client
):
    """The city's run of the month again, after late platform records: a county's manager sees that run's
    counts of the county, which are the late people's alerts, although they join the batch of the first run."""
    person_with_costs("20000.00", hukou="510704001")
    person_with_costs("20000.00", hukou="510703001")
    summary("2023-03")
    person_with_costs("30000.00", hukou="510704001")
    person_with_costs("1000.00", hukou="510704001")  # below the threshold
    again = summary("2023-03")
    assert (again["hits"], again["pushed"]) == (3, 2)
    client.force_login(make_staff(Role.MANAGER, "510704", username="county_manager"))
    shown = overview_run(client)
    assert (shown["regions_total"], shown["regions_done"], shown["hits"], shown["pushed"]) == (1, 1, 2, 2)


def test_the_migration_counts_each_earlier_run_by_county_from_its_batches(
    mianyang_2023, person_with_costs, certification_factory
):
    """Runs made before the counties kept their counts: migration 0020 reads them from the alerts of the
    batches each run handed over, and gives a county of a run made before ``RunCounty`` its row."""
    from django.apps import apps

    count_earlier_runs = import_module("monitoring.migrations.0020_run_county_counts").count_earlier_runs
    person_with_costs("20000.00", hukou="510704001")
    assisted = person_with_costs("30000.00", hukou="510703001")
    certification_factory(claimant=assisted, category="dibao")
    person_with_costs("30000.00", hukou="510703001")
    run = summary("2023-03")["run"]
    expected = {"510703": (2, 4, 0, 1), "510704": (1, 2, 0, 0)}  # hits, pushed, carried over, reported
    RunCounty.objects.filter(run=run).update(hits=0, pushed=0, carried_over=0, reported=0)
    RunCounty.objects.filter(run=run, county_id="510704").delete()

    count_earlier_runs(apps, None)

    counted = RunCounty.objects.filter(run=run, hits__gt=0).values_list(
        "county_id", "hits", "pushed", "carried_over", "reported"
    )
    assert {county: tuple(counts) for county, *counts in counted} == expected
    assert RunCounty.objects.get(run=run, county_id="510704").finished_at is not None
