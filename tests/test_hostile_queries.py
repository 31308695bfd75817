"""Crafted query strings never answer 500, and no list serves more than 200 rows a page.

Every GET page of the permission matrix (``tests.permissions.matrix.URLS``) is requested, by a role
allowed to see it, with each hostile query string below: tampered cursors, negative or huge page sizes and
numbers, characters that look like digits (``²``), NUL bytes, impossible months and years, unknown sort
keys. The answer may be the page (the bad value ignored or reported) or a 4xx; never a server error.
"""

import pytest
from django.urls import reverse

from tests.permissions.matrix import OWN, URLS, USER_REGION

pytestmark = pytest.mark.django_db

HOSTILE = [
    {"per_page": "-1"},
    {"per_page": "0"},
    {"per_page": "50000"},
    {"per_page": "1e9"},
    {"page": "-1"},
    {"page": "0"},
    {"page": "abc"},
    {"page": "99999999999999999999999"},
    {"after": "not-a-cursor"},
    {"after": "W1s5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XV0"},
    {"before": "eyJ4IjogMX0"},
    {"after": "WyJcdTAwMDAiLCAtMV0"},
    {"sort": "-nonexistent"},
    {"sort": "name", "after": "WzFd"},
    {"q": "²"},
    {"q": "\x00"},
    {"household": "²"},
    {"region": "\x00"},
    {"region": "²"},
    {"category": "\x00"},
    {"month": "9999-99"},
    {"month": "\x00"},
    {"year": "abc"},
    {"year": "99999"},
    {"year": "-1"},
    {"id": "²"},
    {"status": "\x00"},
]

PAGES = [url for url in URLS if url.method == "get"]


def _ids(url) -> str:
    return url.name


@pytest.mark.parametrize("url", PAGES, ids=_ids)
def test_no_crafted_query_string_answers_500(client, make_staff, url):
    role = sorted(url.allowed)[0]
    user = make_staff(role, USER_REGION)
    client.force_login(user)
    client.raise_request_exception = False
    path = reverse(url.name, kwargs=url.kwargs(user, OWN) if url.kwargs else {})
    failures = []
    for params in HOSTILE:
        response = client.get(path, {**(url.data or {}), **params})
        if response.status_code >= 500:
            failures.append((params, response.status_code))
        table = response.context.get("table") if response.context else None
        page = getattr(table, "page", None)
        if page is not None and (len(page.object_list) > 200 or table.paginator.per_page > 200):
            failures.append((params, "more than 200 rows a page"))
    assert not failures, failures
