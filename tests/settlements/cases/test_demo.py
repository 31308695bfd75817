import pytest

from claimants import demo as claimants_demo
from settlements.cases import demo
from settlements.cases.models import AssistanceApplication, State


@pytest.mark.django_db
def test_demo_has_applications_in_every_state_before_payment_for_each_city():
    claimants_demo.create_staff()
    claimants_demo.create_claimants(per_city=40)
    assert demo.seed()["applications"] >= 33
    for township in ("510703001", "110101001", "120101001"):
        states = set(AssistanceApplication.objects.filter(region_id=township).values_list("state", flat=True))
        assert states >= set(State.values) - {State.PAID}, township
    assert demo.seed() == {"applications": 0}  # idempotent
