"""Login throttling: the fifth wrong password locks the account, and behind the documented proxy (nginx in
front of gunicorn, FORWARDED_ALLOW_IPS) the lock and the limit per address hold for the real client."""

import pytest
from django.urls import reverse

from claimants import roles

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"  # FORWARDED_ALLOW_IPS' default


def attempt(client, username, password, client_address, remote=PROXY):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=f"{client_address}, {remote}" if remote == PROXY else client_address,
    )


def test_sixth_wrong_password_locks_out_even_the_right_password(client, make_staff):
    make_staff(roles.CASEWORKER, "510703", username="lockme")
    login = reverse("login")
    for n in range(1, 6):
        response = client.post(login, {"username": "lockme", "password": "wrong-password"})
        assert response.status_code == (200 if n < 5 else 429)  # the 5th failure locks the account
    response = client.post(login, {"username": "lockme", "password": "pass-word-123"})  # 6th attempt
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_before_the_limit(client, make_staff):
    make_staff(roles.CASEWORKER, "510703", username="fine")
    client.post(reverse("login"), {"username": "fine", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "fine", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_locked_account_stays_open_to_the_same_user_at_another_address(client, make_staff):
    make_staff(roles.CASEWORKER, "510703", username="target")
    for _ in range(5):
        attempt(client, "target", "wrong-password", "203.0.113.7")
    assert attempt(client, "target", "pass-word-123", "203.0.113.7").status_code == 429
    assert attempt(client, "target", "pass-word-123", "198.51.100.9").status_code == 302


def test_spraying_many_usernames_from_one_address_is_refused_there_only(client, make_staff, settings):
    make_staff(roles.CASEWORKER, "510703", username="bystander")
    answers = [
        attempt(client, f"user{n % 25}", "wrong-password", "203.0.113.7").status_code for n in range(100)
    ]
    assert answers.count(429) >= 100 - settings.JIUZHU_LOGIN_ADDRESS_FAILURE_LIMIT
    assert attempt(client, "bystander", "pass-word-123", "203.0.113.7").status_code == 429
    assert attempt(client, "bystander", "pass-word-123", "198.51.100.9").status_code == 302


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, make_staff):
    make_staff(roles.CASEWORKER, "510703", username="target")
    for n in range(5):  # a new forged address each time: still one client, 192.0.2.50
        attempt(client, "target", "wrong-password", f"198.51.100.{n}", remote="192.0.2.50")
    assert attempt(client, "target", "pass-word-123", "198.51.100.77", remote="192.0.2.50").status_code == 429
