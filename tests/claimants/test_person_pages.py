"""A person's pages: registration, editing with its history, the detail page with its masked number, the
full number revealed on request, the timeline, and a form's way back."""

import datetime as dt

import pytest
from django.urls import reverse

from claimants import services, timeline
from claimants.models import AuditLog, Claimant
from tests.claimants.support import township

pytestmark = pytest.mark.django_db


def test_detail_reveals_full_number_only_on_post_and_audits_it(client, caseworker, claimant_factory):
    person = claimant_factory()
    client.force_login(caseworker)
    assert person.id_number not in client.get(person.get_absolute_url()).content.decode()
    assert client.get(reverse("claimants:reveal_id", args=[person.pk])).status_code == 405
    page = client.post(reverse("claimants:reveal_id", args=[person.pk])).content.decode()
    assert person.id_number in page
    log = AuditLog.objects.get()
    assert (log.action, log.target_id, log.user) == ("reveal_id_number", str(person.pk), caseworker)


def test_registration_form_derives_sex_and_birth_date_and_rejects_bad_or_duplicate_numbers(
    client, caseworker, claimant_factory
):
    client.force_login(caseworker)
    data = {
        "name": "新登记",
        "id_number": "510703199101010071",
        "hukou_region": "510703001",
        "insured_region": "510703001",
        "scheme": "resident",
    }
    response = client.post(reverse("claimants:create"), data)
    person = Claimant.objects.get(name="新登记")
    assert response["Location"] == person.get_absolute_url()
    assert (person.sex, person.birth_date) == ("M", dt.date(1991, 1, 1))

    response = client.post(reverse("claimants:create"), data)
    assert "该身份证号已在您的管辖范围内登记" in response.content.decode()
    response = client.post(reverse("claimants:create"), {**data, "id_number": "510703199101010072"})
    assert "校验位错误" in response.content.decode()


def test_region_chooser_offers_only_the_users_subtree(client, caseworker):
    client.force_login(caseworker)
    form = client.get(reverse("claimants:create")).context["form"]
    assert {r.code for r in form.fields["hukou_region"].queryset} == {"510703001"}
    data = {
        "name": "外",
        "id_number": "510703199101010071",
        "hukou_region": "510704001",
        "insured_region": "510703001",
        "scheme": "resident",
    }
    assert client.post(reverse("claimants:create"), data).status_code == 200
    assert not Claimant.objects.exists()


def test_edit_records_history_with_old_and_new_values_shown_on_the_page(client, caseworker, claimant_factory):
    person = services.register_claimant(
        by=caseworker,
        name="改名前",
        id_number="510703199101010071",
        hukou_region=township(),
        insured_region=township(),
        scheme="resident",
    )
    client.force_login(caseworker)
    data = {
        "name": "改名后",
        "phone": "13800000000",
        "hukou_region": "510703001",
        "insured_region": "510703001",
        "scheme": "employee",
    }
    assert client.post(reverse("claimants:update", args=[person.pk]), data).status_code == 302
    page = client.get(person.get_absolute_url()).content.decode()
    assert "改名前" in page
    assert "改名后" in page
    assert "职工医保" in page
    assert "登记信息修改" in page  # timeline entry


def test_timeline_collects_entries_of_registered_providers(client, caseworker, claimant_factory):
    person = claimant_factory()

    def visits(claimant, user):
        return [timeline.TimelineEntry(dt.date(2023, 5, 1), "visit", "住院：测试医院", url="/v/1/")]

    timeline.PROVIDERS.connect(visits)
    client.force_login(caseworker)
    try:
        page = client.get(person.get_absolute_url()).content.decode()
        assert "住院：测试医院" in page
    finally:
        timeline.PROVIDERS.disconnect(visits)


def test_the_detail_page_shows_the_birth_year_and_age_beside_a_masked_number(
    client, caseworker, claimant_factory
):
    person = claimant_factory(birth_date=dt.date(1966, 3, 7))
    client.force_login(caseworker)
    page = client.get(person.get_absolute_url()).content.decode()
    assert person.masked_id_number in page
    assert "1966" in page
    assert "1966-03-07" not in page
    assert f"{person.age_on(dt.date.today())} 岁" in page
    revealed = client.post(reverse("claimants:reveal_id", args=[person.pk])).content.decode()
    assert "1966-03-07" in revealed


def test_cancel_on_a_form_goes_back_to_the_page_the_user_came_from_on_this_site_only(
    client, caseworker, claimant_factory
):
    person = claimant_factory()
    client.force_login(caseworker)
    edit = reverse("claimants:update", args=[person.pk])
    came_from = client.get(
        edit, HTTP_REFERER=f"http://testserver{person.get_absolute_url()}"
    ).content.decode()
    assert f'href="http://testserver{person.get_absolute_url()}">取消' in came_from
    elsewhere = client.get(edit, HTTP_REFERER="https://evil.example/phish").content.decode()
    assert f'href="{reverse("claimants:list")}">取消' in elsewhere
    assert "javascript:" not in elsewhere
