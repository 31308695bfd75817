"""Signed-in pages are not cached; sessions end when idle, after a working day, and with the browser."""

import time

import pytest
from django.urls import reverse

from claimants.sessions import SEEN, SINCE

pytestmark = pytest.mark.django_db


def test_signed_in_pages_say_no_store(client, caseworker, claimant_factory):
    person = claimant_factory()
    client.force_login(caseworker)
    for url in (
        reverse("claimants:list"),
        person.get_absolute_url(),
        reverse("claimants:export", args=["csv"]),
    ):
        assert "no-store" in client.get(url)["Cache-Control"]


def _age(client, key, seconds):
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_a_session_left_idle_for_half_an_hour_ends(client, caseworker, settings):
    client.force_login(caseworker)
    assert client.get(reverse("home")).status_code == 200
    assert client.session.get_expire_at_browser_close()
    _age(client, SEEN, 29 * 60)
    assert client.get(reverse("home")).status_code == 200
    _age(client, SEEN, settings.SESSION_IDLE_MINUTES * 60 + 1)
    response = client.get(reverse("claimants:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_an_active_session_ends_after_a_working_day(client, caseworker, settings):
    client.force_login(caseworker)
    client.get(reverse("home"))
    _age(client, SINCE, settings.SESSION_COOKIE_AGE + 1)
    assert client.get(reverse("home")).status_code == 302
