"""The monthly job through a real Redis broker and a real Celery worker process (no eager mode).

The worker is started as a subprocess on the test database with ``CELERY_TASK_ALWAYS_EAGER=false``; the test
presses "run now" as a manager would and watches the run record the county subtasks update.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.db import connection

from monitoring import services
from monitoring.models import AlertRun, HighCostAlert
from tests.conftest import IN_CI, require_postgresql

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"CI must reach Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"needs Redis at {REDIS_URL} ({exc})")


@pytest.fixture
def worker():
    require_postgresql()
    require_redis()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1", "-l", "warning"],
        cwd=PROJECT_ROOT,
        env=env,
    )
    yield process
    process.send_signal(signal.SIGTERM)  # warm shutdown, by PID
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def broker(monkeypatch):
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    monkeypatch.setitem(current_app.conf, "broker_url", REDIS_URL)
    # Publish through a connection to that broker: the app's pools, made by an earlier test of this process
    # (in-memory transport when REDIS_URL is unset), would keep the tasks from the worker.
    monkeypatch.setattr(current_app, "_pool", None)
    monkeypatch.setattr(current_app.amqp, "_producer_pool", None)


def wait_for(run: AlertRun, timeout: float = 90) -> AlertRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in (AlertRun.Status.QUEUED, AlertRun.Status.RUNNING):
            return run
        time.sleep(0.3)
    pytest.fail(f"the worker did not finish run {run.pk}: {run.regions_done}/{run.regions_total} counties")


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_run_now_fans_out_to_a_real_worker_and_a_second_run_pushes_nobody_twice(
    worker, broker, mianyang_2023, person_with_costs, manager
):
    over = [person_with_costs("20000.00", hukou=code) for code in ("510703001", "510704001", "510781101")]
    person_with_costs("100.00")
    period = dt.date(2023, 3, 1)

    first = wait_for(services.request_run(period=period, by=manager))
    assert first.status == AlertRun.Status.FINISHED, first.error
    assert first.regions_done == first.regions_total > 3
    assert (first.hits, first.pushed) == (3, 6)
    assert set(HighCostAlert.objects.values_list("claimant", flat=True)) == {c.pk for c in over}

    second = wait_for(services.request_run(period=period, by=manager))
    assert (second.status, second.pushed) == (AlertRun.Status.FINISHED, 0)
    assert HighCostAlert.objects.count() == 6
    assert worker.poll() is None  # the same worker is still serving
