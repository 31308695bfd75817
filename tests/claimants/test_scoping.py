import datetime as dt

import pytest
from django.urls import reverse

from claimants import selectors
from claimants.models import Certification, Region

pytestmark = pytest.mark.django_db


def test_user_sees_only_claimants_of_their_region_subtree(caseworker, claimant_factory, regions):
    mine = claimant_factory(hukou_region=Region.objects.get(code="510703001"))
    neighbour = claimant_factory(hukou_region=Region.objects.get(code="510704001"))
    assert list(selectors.claimants_visible_to(caseworker)) == [mine]
    assert neighbour not in selectors.claimants_visible_to(caseworker)


def test_claimant_outside_region_answers_404_and_inside_200(client, caseworker, claimant_factory):
    mine = claimant_factory(hukou_region=Region.objects.get(code="510703001"))
    other = claimant_factory(hukou_region=Region.objects.get(code="110101001"))
    client.force_login(caseworker)
    assert client.get(reverse("claimants:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("claimants:detail", args=[other.pk])).status_code == 404


def test_anonymous_user_is_sent_to_login(client, regions):
    response = client.get(reverse("claimants:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_highest_category_valid_on_any_day_of_episode_applies(claimant_factory, certification_factory):
    claimant = claimant_factory()
    certification_factory(
        claimant=claimant, category="dibao", valid_from=dt.date(2019, 1, 1), valid_to=dt.date(2023, 5, 14)
    )
    certification_factory(claimant=claimant, category="destitute", valid_from=dt.date(2023, 9, 5))
    certification_factory(
        claimant=claimant,
        category="destitute",
        valid_from=dt.date(2023, 1, 1),
        status=Certification.Status.REVOKED,
    )

    def category(start, end):
        return selectors.category_for_episode(claimant=claimant, start=start, end=end)

    assert category(dt.date(2023, 5, 10), dt.date(2023, 5, 20)) == "dibao"
    assert category(dt.date(2023, 6, 1), dt.date(2023, 6, 1)) is None
    assert category(dt.date(2023, 9, 1), dt.date(2023, 9, 12)) == "destitute"
