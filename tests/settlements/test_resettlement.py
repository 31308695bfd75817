"""待重新结算: a certification added or revoked with a past date lists the settlements that would change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from claimants.services import certify, revoke_certification
from settlements.selectors import resettlement_candidates
from settlements.services import reverse_settlement, settle_visit

D = Decimal


@pytest.fixture
def settled_without_identity(mianyang_2023, claimant_factory, visit_factory, reviewer):
    claimant = claimant_factory()
    settlement = settle_visit(
        visit=visit_factory(claimant=claimant, policy_scope_cost=D("10000.00")), by=reviewer
    )
    assert settlement.reason == "no_category"
    return claimant, settlement


@pytest.mark.django_db
def test_certification_added_with_a_past_date_lists_the_difference(settled_without_identity, reviewer):
    claimant, settlement = settled_without_identity
    assert resettlement_candidates(claimant, 2023) == []

    certify(by=None, claimant=claimant, category="dibao", valid_from=dt.date(2023, 1, 1))

    [candidate] = resettlement_candidates(claimant, 2023)
    assert candidate.settlement == settlement
    assert candidate.category_now == "dibao"
    # 大病 with the dibao tilt: (10000 − 8250) × 65% = 1137.50 (was 0: the ordinary threshold 16500 is not reached)
    assert candidate.differences["critical_illness_insurance"] == (D("0.00"), D("1137.50"))
    assert candidate.differences["medical_assistance"] == (D("0.00"), D("6203.75"))
    assert candidate.assistance_difference == D("6203.75")


@pytest.mark.django_db
def test_resettling_after_reversal_clears_the_list(settled_without_identity, reviewer):
    claimant, settlement = settled_without_identity
    certify(by=None, claimant=claimant, category="dibao", valid_from=dt.date(2023, 1, 1))

    reverse_settlement(settlement=settlement, by=reviewer, reason="补录低保身份后重新结算")
    settle_visit(visit=settlement.visit, by=reviewer)

    assert resettlement_candidates(claimant, 2023) == []


@pytest.mark.django_db
def test_revoked_certification_lists_the_settlement(
    mianyang_2023, claimant_factory, certification_factory, visit_factory, reviewer, civil_officer
):
    claimant = claimant_factory()
    certification = certification_factory(claimant=claimant, category="dibao")
    settle_visit(visit=visit_factory(claimant=claimant), by=reviewer)

    revoke_certification(certification=certification, by=civil_officer, reason="认定有误")

    [candidate] = resettlement_candidates(claimant, 2023)
    assert candidate.category_now is None
    assert candidate.assistance_difference < 0


@pytest.mark.django_db
def test_visit_settled_out_of_order_appears_when_order_changes_amounts(
    mianyang_2023, certified, visit_factory, reviewer
):
    claimant = certified("marginal")  # annual deductible 3300.00: the first visit in order absorbs it
    later = visit_factory(claimant=claimant, admitted=dt.date(2023, 6, 1), discharged=dt.date(2023, 6, 5))
    earlier = visit_factory(claimant=claimant, admitted=dt.date(2023, 3, 1), discharged=dt.date(2023, 3, 5))
    settle_visit(visit=later, by=reviewer)
    settle_visit(visit=earlier, by=reviewer)

    visits = {c.settlement.visit_id for c in resettlement_candidates(claimant, 2023)}

    assert visits == {later.pk, earlier.pk}


@pytest.mark.django_db
def test_resettlement_page_lists_people_whose_certification_changed(
    client, reviewer, settled_without_identity
):
    claimant, _ = settled_without_identity
    certify(by=None, claimant=claimant, category="dibao", valid_from=dt.date(2023, 1, 1))
    client.force_login(reviewer)

    response = client.get(reverse("settlements:resettlement_list"))

    page = response.content.decode()
    assert claimant.name in page
    assert "6,203.75" in page
    detail = client.get(reverse("settlements:claimant_resettlement", args=[claimant.pk, 2023]))
    assert "6,203.75" in detail.content.decode()


@pytest.mark.django_db
def test_settlements_made_under_the_earlier_reading_are_listed_where_the_new_one_changes_them(
    client, mianyang_2023, certified, visit_factory, reviewer
):
    """Clarification 24: an employee-insured visit settled before it got a resident 大病 the texts do not
    give. Such a settlement (rules revision 1) is listed with its difference; the reviewer reverses and
    settles again. A settlement already made under the current reading is not listed for the same reason."""
    person = certified("dibao", scheme="employee")
    visit = visit_factory(
        claimant=person,
        insurance_scheme="employee",
        policy_scope_cost=D("40000.00"),
        total_cost=D("40000.00"),
        basic_insurance_paid=D("20000.00"),
        critical_illness_paid=None,
    )
    settlement = settle_visit(visit=visit, by=reviewer)
    assert settlement.critical_illness_insurance == D("0.00")  # no 大额 given: none
    client.force_login(reviewer)
    assert person.name not in client.get(reverse("settlements:resettlement_list")).content.decode()

    # As the first reading stored it: a resident 大病 of 7637.50 and less assistance.
    type(settlement).objects.filter(pk=settlement.pk).update(
        rules_revision=1,
        critical_illness_insurance=D("7637.50"),
        assistance=settlement.assistance - D("5346.25"),
    )
    settlement.tiers.filter(code="medical_assistance").update(
        amount=settlement.tier("medical_assistance") - D("5346.25")
    )
    [candidate] = resettlement_candidates(person, 2023)
    assert candidate.differences["critical_illness_insurance"] == (D("7637.50"), D("0.00"))
    page = client.get(reverse("settlements:resettlement_list")).content.decode()
    assert person.name in page


@pytest.mark.django_db
def test_the_ledger_links_to_the_resettlement_check_only_when_there_is_something_to_check(
    client, reviewer, settled_without_identity
):
    claimant, _ = settled_without_identity
    client.force_login(reviewer)
    url = reverse("settlements:ledger", args=[claimant.pk, 2023])
    check = reverse("settlements:claimant_resettlement", args=[claimant.pk, 2023])

    nothing = client.get(url).content.decode()
    certify(by=None, claimant=claimant, category="dibao", valid_from=dt.date(2023, 1, 1))
    something = client.get(url).content.decode()

    assert check not in nothing
    assert "待重新结算核对" not in nothing
    assert check in something
    assert "待重新结算核对：1 笔结算" in something
