"""What every page carries: a favicon, the language list in each language's own name, one highlighted
navigation entry for the section the page belongs to."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def _active_entries(page: str) -> list[str]:
    return re.findall(r'<a class="nav-link active" aria-current="page" href="([^"]+)"', page)


def test_the_favicon_is_a_small_svg_linked_from_every_page(client, caseworker):
    path = finders.find("favicon.svg")
    assert path
    with open(path, encoding="utf-8") as icon:
        svg = icon.read()
    assert svg.startswith("<svg")
    assert len(svg) < 2000
    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    assert link in client.get(reverse("login")).content.decode()
    client.force_login(caseworker)
    assert link in client.get(reverse("home")).content.decode()
    assert link in client.get("/claimants/999999999/").content.decode()  # the error pages too


@pytest.mark.parametrize("english", [False, True], ids=["zh-hans", "en"])
def test_each_language_is_listed_under_its_own_name(client, caseworker, english):
    if english:
        _english(client)
    client.force_login(caseworker)

    page = client.get(reverse("home")).content.decode()

    options = re.findall(r'<option value="(zh-hans|en)" lang="\1"[^>]*>([^<]+)</option>', page)
    assert options == [("zh-hans", "简体中文"), ("en", "English")]
    assert "英语" not in page


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/", "/"),
        ("/settlements/", "/settlements/"),
        ("/settlements/visits/", "/settlements/visits/"),
        ("/settlements/imports/", "/settlements/visits/"),
        ("/settlements/applications/", "/settlements/applications/"),
        ("/claimants/", "/claimants/"),
        ("/claimants/certifications/", "/claimants/certifications/"),
        ("/monitoring/", "/monitoring/alerts/"),
        ("/monitoring/alerts/", "/monitoring/alerts/"),
        ("/monitoring/batches/", "/monitoring/alerts/"),
    ],
)
def test_one_navigation_entry_is_highlighted_for_the_section(client, reviewer, path, active):
    client.force_login(reviewer)

    response = client.get(path)

    assert response.status_code == 200
    assert _active_entries(response.content.decode()) == [active]


def test_the_dashboard_highlights_only_its_own_entry(client, manager):
    client.force_login(manager)
    assert _active_entries(client.get(reverse("monitoring:dashboard")).content.decode()) == [
        reverse("monitoring:dashboard")
    ]
