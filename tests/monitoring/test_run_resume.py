"""A worker that dies mid-job, and a broker that is down: the month is completed, never a 500 or an orphan."""

import datetime as dt
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from monitoring import services, tasks
from monitoring.models import AlertRun, HighCostAlert, PushBatch, RunCounty

pytestmark = pytest.mark.django_db
MARCH = dt.date(2023, 3, 1)


@pytest.fixture
def two_counties(mianyang_2023, person_with_costs):
    return [person_with_costs("40000.00"), person_with_costs("40000.00", hukou="510704001")]


def _die_after_first_county(monkeypatch):
    real = services.alert_county
    calls = []

    def alert_county(*, run, county):
        if calls:
            raise SystemExit("worker killed")  # the process dies: nothing of this county is committed
        calls.append(county)
        return real(run=run, county=county)

    monkeypatch.setattr(services, "alert_county", alert_county)
    return real


def test_a_stuck_run_is_shown_and_a_manager_resumes_it(client, two_counties, manager, monkeypatch):
    run = services.start_run(period=MARCH, trigger=AlertRun.Trigger.MANUAL, by=manager, region="5107")
    services.measure_run(run=run)
    real = _die_after_first_county(monkeypatch)
    counties = services.counties_to_run(period=MARCH, region="5107")
    for county in counties:
        try:
            services.alert_county(run=run, county=county)
        except SystemExit:
            break
    run.refresh_from_db()
    assert run.status == AlertRun.Status.RUNNING
    assert run.regions_done < run.regions_total
    monkeypatch.setattr(services, "alert_county", real)

    client.force_login(manager)
    assert "已停滞" not in client.get(reverse("monitoring:overview")).content.decode()
    AlertRun.objects.filter(pk=run.pk).update(progressed_at=timezone.now() - services.STUCK_AFTER * 2)
    page = client.get(reverse("monitoring:overview")).content.decode()
    assert "已停滞" in page
    assert reverse("monitoring:run_resume", args=[run.pk]) in page
    client.post(reverse("monitoring:run_resume", args=[run.pk]))  # in-process: the county runs now
    run.refresh_from_db()
    assert run.status == AlertRun.Status.FINISHED
    assert set(HighCostAlert.objects.values_list("claimant_id", flat=True)) == {p.pk for p in two_counties}
    assert PushBatch.objects.filter(finished_at__isnull=False).count() == len(two_counties)  # no empty batch
    assert RunCounty.objects.filter(run=run, finished_at__isnull=False).count() == run.regions_total


def test_a_county_task_run_twice_pushes_nobody_twice(two_counties):
    run = services.run_monthly_alerts(period=MARCH)
    alerts = HighCostAlert.objects.count()
    for county in services.counties_to_run(period=MARCH):
        tasks.alert_county_task(run.pk, county)
    assert HighCostAlert.objects.count() == alerts


def test_broker_down_the_run_waits_queued_and_is_sent_when_it_is_back(
    client, two_counties, manager, monkeypatch, django_capture_on_commit_callbacks
):
    """A real publish to a Redis port nothing listens on (kombu refuses within a second)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{closed_port}/0")
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)  # publish through the closed port
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:run_start"), {"period": "2023-03"})
    assert response.status_code == 302
    run = AlertRun.objects.get()
    assert run.status == AlertRun.Status.QUEUED
    assert "恢复后自动运行" in client.get(reverse("monitoring:overview")).content.decode()
    assert services.dispatch_queued_runs() == 0  # still down

    monkeypatch.undo()  # the queue is back (here: the in-process mode of the tests' settings)
    celery_app._pool = celery_app.amqp._producer_pool = None
    assert tasks.dispatch_queued_runs_task() == 1  # the sweeper, once the queue answers (in-process here)
    run.refresh_from_db()
    assert run.status == AlertRun.Status.FINISHED
    assert HighCostAlert.objects.exists()
