"""What a member of staff may see and act on: their region and everything under it."""

from types import SimpleNamespace

from claimants.models import Claimant, Region
from core.regions import in_region, region_filter
from tests.factories import ClaimantFactory


def test_a_county_officer_acts_in_the_county_and_its_townships_only():
    county = SimpleNamespace(region_id="510703")
    assert in_region("510703", county)
    assert in_region("510703001", county)
    assert not in_region("510704001", county)


def test_staff_without_a_region_act_nowhere():
    assert not in_region("510703001", SimpleNamespace(region_id=None))


def test_lists_show_a_township_its_own_people_and_a_user_without_a_region_nobody(db):
    here = ClaimantFactory()
    neighbour = Region.objects.filter(code__startswith="510703", level=Region.Level.TOWNSHIP).exclude(
        code="510703001"
    )
    ClaimantFactory(hukou_region=neighbour.first())
    township = SimpleNamespace(region_id="510703001")
    assert list(Claimant.objects.filter(**region_filter(township, "hukou_region"))) == [here]
    assert not Claimant.objects.filter(
        **region_filter(SimpleNamespace(region_id=None), "hukou_region")
    ).exists()
