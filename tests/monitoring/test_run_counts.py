"""One month's counts read the same wherever they are shown: the run's summary (the command), the monitoring
overview and the alert list. An empty month hands nothing over."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

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
