"""One date format, 2026-12-03, in both languages: a pre-filled date field keeps its value."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
DATE_INPUT = re.compile(r'<input type="date" name="(\w+)" value="([^"]*)"')


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_pre_filled_date_field_holds_an_iso_date_and_saves_unchanged(
    client, sysadmin, policy_year_factory, language
):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    policy_year = policy_year_factory(jurisdiction="mianyang", year=2023)
    client.force_login(sysadmin)
    url = reverse("settlements:policy_year_edit", args=[policy_year.pk])
    page = client.get(url).content.decode()
    dates = dict(DATE_INPUT.findall(page))
    assert dates["effective_from"] == "2023-01-01"
    assert "2023/01/01" not in page
