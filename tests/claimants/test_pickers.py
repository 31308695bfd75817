"""Households and people are chosen by what a caseworker knows (a head's name, an address, a name, part of an
ID number), never by typing a record's number; a new household gets its number from the system."""

import pytest
from django.urls import reverse

from claimants import services
from claimants.errors import ClaimantError
from claimants.models import AuditLog, Household
from core.errors import DomainError
from core.roles import Role
from tests.claimants.support import township

pytestmark = pytest.mark.django_db


def test_a_new_household_is_numbered_by_its_township_in_sequence(make_staff):
    county = make_staff(Role.TOWNSHIP_CASEWORKER, "510703")
    first = services.create_household(by=county, region=township(), address="幸福路1号")
    second = services.create_household(by=county, region=township(), address="幸福路2号")
    other = services.create_household(by=county, region=township("510703003"), address="新村3号")
    assert (first.number, second.number, other.number) == (
        "510703001-00001",
        "510703001-00002",
        "510703003-00001",
    )


def test_numbering_continues_after_the_highest_number_of_the_township(caseworker, household_factory):
    household_factory(number="510703001-00009", region=township())
    household_factory(number="510703001-00010", region=township())
    household_factory(number="H51070300100077", region=township())  # an older numbering is left alone
    assert services.create_household(by=caseworker, region=township()).number == "510703001-00011"


def test_a_household_outside_the_users_region_is_refused(caseworker):
    with pytest.raises(DomainError) as refused:
        services.create_household(by=caseworker, region=township("510703003"))
    assert refused.value.code == ClaimantError.REGION_OUTSIDE_JURISDICTION
    assert not Household.objects.exists()


def test_the_household_form_asks_no_number(client, caseworker):
    client.force_login(caseworker)
    assert "number" not in client.get(reverse("claimants:household_create")).context["form"].fields
    response = client.post(reverse("claimants:household_create"), {"region": "510703001", "address": "九号"})
    household = Household.objects.get()
    assert response.url == household.get_absolute_url()
    assert household.number == "510703001-00001"


def test_households_are_found_by_the_heads_name_or_the_address(client, caseworker, claimant_factory):
    services.create_household(by=caseworker, region=township(), address="幸福路8号")
    mine = services.create_household(by=caseworker, region=township(), address="长虹大道12号")
    head = claimant_factory(name="周建华", household=mine, relation_to_head="head")
    claimant_factory(name="周小雪", household=mine, relation_to_head="child")
    client.force_login(caseworker)
    url = reverse("claimants:household_search")
    by_name = client.get(url, {"q": "周建"}).json()["results"]
    by_address = client.get(url, {"q": "长虹"}).json()["results"]
    assert (
        by_name
        == by_address
        == [
            {
                "id": mine.pk,
                "label": f"户主 周建华（{head.masked_id_number}）",
                "detail": f"长虹大道12号 · {mine.number} · 2人",
            }
        ]
    )
    assert client.get(url, {"q": "没有的路"}).json() == {
        "results": [],
        "message": "没有找到，请检查输入，或换用姓名、住址查找",
    }


def test_a_person_is_registered_into_a_household_picked_by_its_head(client, caseworker, claimant_factory):
    household = services.create_household(by=caseworker, region=township(), address="长虹大道12号")
    claimant_factory(name="周建华", household=household, relation_to_head="head")
    client.force_login(caseworker)
    form = client.get(reverse("claimants:create"), {"household": household.pk}).content.decode()
    assert "户主 周建华" in form  # the chosen household is named by its head, not by a number to type
    assert f'name="household" value="{household.pk}"' in form


def test_a_household_outside_the_region_cannot_be_picked(client, caseworker, household_factory):
    elsewhere = household_factory(region=township("510703003"))
    client.force_login(caseworker)
    response = client.post(
        reverse("claimants:create"),
        {
            "name": "新人",
            "id_number": "510703199001011234",
            "hukou_region": "510703001",
            "insured_region": "510703001",
            "scheme": "resident",
            "household": elsewhere.pk,
            "relation_to_head": "child",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["household"]


def test_a_forged_household_key_is_a_form_error(client, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("claimants:create"), {"name": "新人", "household": "x' or 1=1"})
    assert response.status_code == 200
    assert response.context["form"].errors["household"]


def test_the_person_picker_finds_by_name_and_masks_the_number(client, caseworker, claimant_factory):
    person = claimant_factory(name="吴秀兰")
    client.force_login(caseworker)
    answer = client.get(reverse("claimants:person_search"), {"q": "吴秀"}).json()
    assert answer["results"] == [
        {
            "id": person.pk,
            "label": f"吴秀兰（{person.masked_id_number}）",
            "detail": f"{person.birth_year}年生 · {person.hukou_region.name}",
        }
    ]
    assert person.id_number not in str(answer)


def test_a_household_member_is_added_through_the_person_picker(client, caseworker, claimant_factory):
    household = services.create_household(by=caseworker, region=township())
    person = claimant_factory(name="吴秀兰")
    client.force_login(caseworker)
    client.post(
        reverse("claimants:household_member_add", args=[household.pk]),
        {"claimant": person.pk, "relation_to_head": "head"},
    )
    person.refresh_from_db()
    assert person.household == household
    page = client.get(household.get_absolute_url()).content.decode()
    assert "户主 吴秀兰" in page


def test_an_id_fragment_is_searched_only_by_roles_that_may_see_full_numbers(manager, claimant_factory):
    person = claimant_factory()
    with pytest.raises(DomainError) as refused:
        services.search_people(by=manager, query=person.id_number[-6:])
    assert refused.value.code == ClaimantError.ID_SEARCH_WHOLE_NUMBER
    assert services.search_people(by=manager, query=person.id_number) == ([person], False)
    assert not AuditLog.objects.exists()


def test_the_household_search_costs_the_same_queries_for_many_households(
    client, caseworker, claimant_factory, django_assert_max_num_queries
):
    for n in range(12):
        household = services.create_household(by=caseworker, region=township(), address=f"长虹大道{n}号")
        claimant_factory(name=f"周{n}", household=household, relation_to_head="head")
    client.force_login(caseworker)
    with django_assert_max_num_queries(6):
        answer = client.get(reverse("claimants:household_search"), {"q": "长虹"}).json()
    assert len(answer["results"]) == 12
