import pytest

from applications import demo, services
from applications.models import AssistanceApplication, State
from claimants import demo as claimants_demo
from claimants.models import User
from settlements import demo as settlements_demo


@pytest.mark.django_db
def test_demo_has_applications_in_every_state_before_payment_for_each_city():
    claimants_demo.create_staff()
    claimants_demo.create_claimants(per_city=40)
    assert demo.seed()["applications"] >= 33
    for township in ("510703001", "110101001", "120101001"):
        states = set(AssistanceApplication.objects.filter(region_id=township).values_list("state", flat=True))
        assert states >= set(State.values) - {State.PAID}, township
    assert demo.seed() == {"applications": 0}  # idempotent


@pytest.mark.django_db
def test_demo_claims_are_approved_for_payment_or_wait_for_review_with_an_amount():
    claimants_demo.create_staff()
    claimants_demo.create_claimants(per_city=40)
    settlements_demo.create_policy_years()
    settlements_demo.create_visits(hospitals=settlements_demo.create_hospitals(), per_city=40)
    demo.seed()
    claims = AssistanceApplication.objects.filter(kind="reimbursement", region_id="510703001")
    assert sorted(claims.values_list("state", flat=True)) == [State.ACCEPTED, State.APPROVED]
    waiting = claims.get(state=State.ACCEPTED)
    my_reviewer = User.objects.get(username="my_reviewer")
    assert services.preview_approval(application=waiting, by=my_reviewer).amount > 0
    assert waiting.submitted_on.year == waiting.covered_visits.get().visit.year
