"""Households: one head, members added and removed through the pages."""

import pytest
from django.urls import reverse

from claimants import services
from claimants.errors import ClaimantError
from claimants.models import Household
from core.errors import DomainError
from tests.claimants.support import township

pytestmark = pytest.mark.django_db


def test_household_with_members_and_one_head(caseworker, claimant_factory):
    household = services.create_household(by=caseworker, region=township(), address="一号")
    head, child = claimant_factory(), claimant_factory()
    services.set_membership(claimant=head, by=caseworker, household=household, relation_to_head="head")
    services.set_membership(claimant=child, by=caseworker, household=household, relation_to_head="child")
    with pytest.raises(DomainError) as excinfo:
        services.set_membership(claimant=child, by=caseworker, household=household, relation_to_head="head")
    assert excinfo.value.code == ClaimantError.HOUSEHOLD_HAS_HEAD
    assert set(household.members.values_list("relation_to_head", flat=True)) == {"head", "child"}


def test_household_pages_add_and_remove_members(client, caseworker, claimant_factory):
    client.force_login(caseworker)
    client.post(reverse("claimants:household_create"), {"region": "510703001", "address": "九号"})
    household = Household.objects.get(address="九号")
    person = claimant_factory()
    client.post(
        reverse("claimants:household_member_add", args=[household.pk]),
        {"claimant": person.pk, "relation_to_head": "head"},
    )
    person.refresh_from_db()
    assert person.household == household
    assert "家庭关系变更" in client.get(person.get_absolute_url()).content.decode()
    client.post(reverse("claimants:household_member_remove", args=[household.pk, person.pk]))
    person.refresh_from_db()
    assert person.household is None
