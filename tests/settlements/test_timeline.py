"""The claimant page's timeline shows visits, settlements and reversals, and leads to the resettlement check."""

import pytest
from django.urls import reverse

from settlements.services import reverse_settlement, settle_visit


@pytest.mark.django_db
def test_claimant_page_lists_settlement_entries_and_the_resettlement_link(
    client, reviewer, mianyang_2023, certified, visit_factory
):
    visit = visit_factory(claimant=certified())
    settlement = settle_visit(visit=visit, by=reviewer)
    reverse_settlement(settlement=settlement, by=reviewer, reason="费用更正")
    client.force_login(reviewer)

    page = client.get(reverse("claimants:detail", args=[visit.claimant_id])).content.decode()

    assert reverse("settlements:visit_detail", args=[visit.pk]) in page
    assert settlement.get_absolute_url() in page
    assert "费用更正" in page
    assert reverse("settlements:claimant_resettlement", args=[visit.claimant_id, 2023]) in page


@pytest.mark.django_db
def test_caseworker_sees_the_entries_without_settlement_links(
    client, caseworker, reviewer, mianyang_2023, certified, visit_factory
):
    visit = visit_factory(claimant=certified())
    settle_visit(visit=visit, by=reviewer)
    client.force_login(caseworker)

    page = client.get(reverse("claimants:detail", args=[visit.claimant_id])).content.decode()

    assert "就医：住院" in page
    assert reverse("settlements:visit_detail", args=[visit.pk]) not in page
