"""Every URL x every role x own/other region, and anonymous users.

The tables of ``tests.permissions.matrix`` name each URL of every app with the roles allowed on it; each URL
is asked by each role for a row of its own region (``OWN``) and, when the row has a region, for one outside
it (``OTHER``). Expected answers: anonymous -> redirect to login; a role not allowed -> 403; an allowed role
on a row outside its region -> 404; an allowed role on its own row -> a page or a redirect (< 400). The
token-authenticated REST API (``API_URLS``) has the same expectations except anonymous -> 401.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claimants import roles
from tests.permissions.matrix import ALL, API_URLS, OTHER, OWN, URLS, USER_REGION, Url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploaded documents


def _request(client, url: Url, path: str):
    return getattr(client, url.method)(path, url.data or {})


def _failures(url: Url, make_staff, client_for) -> list[str]:
    """Each role on a row of its own region (and outside it when scoped): the answers that break the rule."""
    failures = []
    for role in sorted(ALL):
        user = make_staff(role, USER_REGION)
        client = client_for(user)
        regions = (OWN, OTHER) if url.kwargs and url.scoped else (OWN,)
        for region_code in regions:
            kwargs = url.kwargs(user, region_code) if url.kwargs else {}
            status = _request(client, url, reverse(url.name, kwargs=kwargs)).status_code
            if role not in url.allowed:
                expected_ok = status == 403
            elif region_code == OTHER:
                expected_ok = status == 404
            else:
                expected_ok = status < 400
            if not expected_ok:
                failures.append(f"{role} {region_code}: {status}")
    return failures


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_url_answers_each_role_by_region(client, make_staff, url):
    def logged_in(user):
        client.force_login(user)
        return client

    failures = _failures(url, make_staff, logged_in)
    assert not failures, failures


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_anonymous_user_is_sent_to_login(client, make_staff, url):
    owner = make_staff(roles.CIVIL, USER_REGION)
    kwargs = url.kwargs(owner, OWN) if url.kwargs else {}
    response = _request(client, url, reverse(url.name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("url", API_URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_api_answers_each_role_by_region(make_staff, url):
    failures = _failures(url, make_staff, _token_client)
    assert not failures, failures


@pytest.mark.parametrize("url", API_URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_api_refuses_anonymous_users_with_401(make_staff, url):
    owner = make_staff(roles.CIVIL, USER_REGION)
    kwargs = url.kwargs(owner, OWN) if url.kwargs else {}
    assert _request(APIClient(), url, reverse(url.name, kwargs=kwargs)).status_code == 401


PUBLIC_OR_FOREIGN = {"login", "logout", "set_language", "healthz", "api_schema"}  # and the admin site
# An upload endpoint whose answers by role (403, 401, 200, 400 with the rows) need a file per request:
# tests/finance/test_platform_totals.py asks it as each of them.
PUBLIC_OR_FOREIGN |= {"api_platform_totals"}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_the_tables_name_every_url_of_the_product():
    named = {url.name for url in [*URLS, *API_URLS]}
    assert set(_url_names(get_resolver().url_patterns)) - PUBLIC_OR_FOREIGN == named
