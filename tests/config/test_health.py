import io
import json
import logging

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from config.logs import JsonFormatter
from tests.conftest import IN_CI

pytestmark = pytest.mark.django_db


@override_settings(REDIS_URL="")
def test_health_is_ok_without_login_when_database_answers_and_tasks_run_in_process(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "in-process"}}
    assert "no-store" in response["Cache-Control"]


def test_health_pings_the_configured_redis(client):
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("CI must run this test with REDIS_URL set")
        pytest.skip("needs Redis (set REDIS_URL=redis://127.0.0.1:6379/<n>)")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_health_answers_503_naming_the_broker_when_redis_is_unreachable(client, closed_port):
    broker_url = f"redis://:secret-password@127.0.0.1:{closed_port}/0"
    with override_settings(REDIS_URL=broker_url):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "broker": "error"}}
    body = response.content.decode()
    assert str(closed_port) not in body
    assert "secret-password" not in body


def test_failed_check_is_logged_as_json_with_the_request_id(client, closed_port):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    health_logger = logging.getLogger("config.health")
    health_logger.addHandler(handler)
    try:
        with override_settings(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0"):
            response = client.get(reverse("healthz"), headers={"X-Request-ID": "lb-probe-42"})
    finally:
        health_logger.removeHandler(handler)
    entry = json.loads(stream.getvalue().splitlines()[0])
    assert entry["request_id"] == response["X-Request-ID"] == "lb-probe-42"
    assert entry["level"] == "ERROR"
    assert entry["message"] == "health check failed: broker"
    assert "ConnectionError" in entry["exception"]


def test_health_is_not_redirected_to_https_but_pages_are(client, production):
    with override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=production.SECURE_REDIRECT_EXEMPT
    ):
        assert client.get(reverse("healthz")).status_code in (200, 503)
        login = client.get(reverse("login"))
    assert login.status_code == 301
    assert login["Location"].startswith("https://")
