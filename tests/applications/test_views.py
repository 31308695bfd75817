"""The pages as each role sees them: queues with counts, registration, actions, documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import AssistanceApplication, State
from applications.views.cases import ACTIONS
from claimants.models import AuditLog, Claimant, Region
from core.roles import Role
from tests.applications.test_documents import PDF

pytestmark = pytest.mark.django_db
LIST = reverse("applications:application_list")


def nav_count(response, label="救助申请"):
    item = next(i for i in response.context["nav_items"] if str(i["label"]) == label)
    return item["count"]


def test_queues_show_what_waits_for_each_role_with_counts_in_the_navigation(
    client, make_application, caseworker, civil_officer, rural_officer, reviewer
):
    make_application()
    make_application()
    make_application(State.REFERRED)
    make_application(State.CERTIFIED)
    client.force_login(caseworker)
    response = client.get(LIST)
    assert nav_count(response) == 2  # the referred and certified ones wait for others
    client.force_login(civil_officer)
    response = client.get(LIST)
    assert nav_count(response) == 1
    assert len(response.context["table"].rows) == 1
    client.force_login(rural_officer)
    assert nav_count(client.get(LIST)) == 0
    client.force_login(reviewer)
    assert nav_count(client.get(LIST)) == 1


def test_list_query_count_does_not_grow_with_rows(
    client, make_application, manager, django_assert_max_num_queries
):
    for _ in range(3):
        make_application()
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        small = client.get(LIST + "?scope=all")
    for _ in range(12):
        make_application()
    with django_assert_max_num_queries(12):
        large = client.get(LIST + "?scope=all")
    assert len(large.context["table"].page.object_list) == 15
    assert small.status_code == large.status_code == 200


def test_list_masks_id_numbers_and_flags_overdue(client, make_application, manager):
    application = make_application()
    client.force_login(manager)
    page = client.get(LIST + "?scope=all").content.decode()
    assert application.claimant.id_number not in page
    assert application.claimant.masked_id_number in page
    assert "超期" in page  # registered on 2024-03-04, due 2024-03-11


def test_caseworker_registers_an_application_through_the_pages(client, caseworker, applicant):
    client.force_login(caseworker)
    response = client.get(reverse("applications:application_lookup"), {"q": applicant.id_number})
    assert response.status_code == 302  # a whole number that one person holds: straight to the form
    response = client.post(
        response.url,
        {
            "kind": "certification",
            "requested_category": "marginal",
            "statement": "申请",
            "submitted_on": "2024-03-04",
        },
    )
    application = AssistanceApplication.objects.get()
    assert response.url == application.get_absolute_url()
    assert application.created_by == caseworker


def test_registration_refusal_is_shown_on_the_form(client, caseworker, applicant, certification_factory):
    certification_factory(claimant=applicant, category="dibao")
    client.force_login(caseworker)
    response = client.post(
        reverse("applications:application_register", args=[applicant.pk]),
        {"kind": "certification", "requested_category": "marginal", "submitted_on": "2024-03-04"},
    )
    assert response.status_code == 200
    assert "直接获得医疗救助" in response.content.decode()
    assert not AssistanceApplication.objects.exists()


def test_other_roles_cannot_open_the_registration(client, reviewer, applicant):
    client.force_login(reviewer)
    assert client.get(reverse("applications:application_lookup")).status_code == 403


def test_action_posts_call_the_service_and_show_refusals(client, make_application, caseworker, reviewer):
    application = make_application()
    url = reverse("applications:application_action", args=[application.pk, "accept"])
    client.force_login(reviewer)
    assert client.post(url).status_code == 403
    client.force_login(caseworker)
    client.post(url)
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.ACCEPTED
    response = client.post(url, follow=True)
    assert "不能执行" in response.content.decode()


def test_reason_form_errors_are_shown_and_change_nothing(client, make_application, caseworker):
    application = make_application()
    client.force_login(caseworker)
    response = client.post(reverse("applications:application_action", args=[application.pk, "refuse"]), {})
    assert response.status_code == 200
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.SUBMITTED


def test_application_outside_the_region_is_not_found(client, make_application, make_staff):
    application = make_application()
    other = make_staff(Role.TOWNSHIP_CASEWORKER, "510703003")
    client.force_login(other)
    assert client.get(application.get_absolute_url()).status_code == 404
    url = reverse("applications:application_action", args=[application.pk, "accept"])
    assert client.post(url).status_code == 404


def test_department_officer_sees_only_referrals_to_their_department(client, make_application, rural_officer):
    referred = make_application(State.REFERRED)  # to civil affairs
    client.force_login(rural_officer)
    assert client.get(referred.get_absolute_url()).status_code == 404


def test_bulk_accept_reports_each_item(client, make_application, caseworker):
    first, second = make_application(), make_application()
    refused = make_application(State.REFUSED)
    client.force_login(caseworker)
    response = client.post(
        reverse("applications:application_bulk_accept"),
        {"select": [first.pk, second.pk, refused.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert f"{first.number} 已受理" in page
    assert f"{refused.number}：" in page
    assert AssistanceApplication.objects.filter(state=State.ACCEPTED).count() == 2


def test_documents_are_served_only_to_allowed_users(
    client, make_application, caseworker, make_staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = make_application()
    client.force_login(caseworker)
    client.post(
        reverse("applications:application_document_upload", args=[application.pk]),
        {"kind": "invoice", "file": SimpleUploadedFile("发票.pdf", PDF)},
    )
    document = application.documents.get()
    url = reverse("applications:application_document", args=[application.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(make_staff(Role.TOWNSHIP_CASEWORKER, "510703003"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_bad_upload_is_refused_with_a_message(client, make_application, caseworker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = make_application()
    client.force_login(caseworker)
    response = client.post(
        reverse("applications:application_document_upload", args=[application.pk]),
        {"kind": "invoice", "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00")},
        follow=True,
    )
    assert "只接受PDF、JPEG或PNG文件" in response.content.decode()
    assert not application.documents.exists()


def test_detail_shows_timeline_and_the_actions_of_the_user(client, make_application, civil_officer):
    application = make_application(State.REFERRED)
    client.force_login(civil_officer)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "转办认定" in page
    assert "登记申请" in page
    assert "认定并反馈" in page
    assert "不予认定并反馈" in page


def test_claimant_page_shows_the_application_events(client, make_application, caseworker, make_staff):
    application = make_application(State.REFUSED)
    client.force_login(caseworker)
    page = client.get(reverse("claimants:detail", args=[application.claimant_id])).content.decode()
    assert application.get_absolute_url() in page
    assert "材料不全：缺少发票原件" in page
    client.force_login(make_staff(Role.RURAL_REVITALIZATION_OFFICER))
    page = client.get(reverse("claimants:detail", args=[application.claimant_id])).content.decode()
    assert application.get_absolute_url() not in page  # never referred to rural revitalization


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_role_that_never_takes_the_action_gets_403_and_nothing_changes(
    client, make_application, make_staff, action
):
    application = make_application(State.SUBMITTED)
    url = reverse("applications:application_action", args=[application.pk, action])
    refused = [role for role in Role.values if role not in services.action_roles(action)]
    assert refused
    for role in refused:
        client.force_login(make_staff(role, "510703001" if role == Role.TOWNSHIP_CASEWORKER else "5107"))
        assert client.post(url, {f"{action}-reason": "x"}).status_code == 403, role
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.SUBMITTED


def test_accepted_application_prints_a_receipt_with_the_masked_id_and_the_handling_unit(
    client, make_application, caseworker, reviewer
):
    application = make_application(State.ACCEPTED)
    receipt = reverse("applications:application_receipt", args=[application.pk])
    client.force_login(caseworker)

    assert receipt in client.get(application.get_absolute_url()).content.decode()
    page = client.get(receipt).content.decode()

    claimant = application.claimant
    for expected in (
        "医疗救助申请受理回执",
        application.number,
        claimant.name,
        claimant.masked_id_number,
        "救助身份认定申请",
        "2024-03-04",
        "绵阳市涪城区城厢街道办事处",
        "盖章处",
        "data-print",
    ):
        assert expected in page, expected
    assert claimant.id_number not in page
    assert reverse("applications:application_refusal_notice", args=[application.pk]) not in page
    assert (
        client.get(reverse("applications:application_refusal_notice", args=[application.pk])).status_code
        == 404
    )
    client.force_login(reviewer)  # every role that sees the application may print it
    assert client.get(receipt).status_code == 200


def test_refused_application_prints_a_notice_with_the_reason_and_no_receipt(
    client, make_application, caseworker
):
    application = make_application(State.REFUSED)
    notice = reverse("applications:application_refusal_notice", args=[application.pk])
    client.force_login(caseworker)

    detail = client.get(application.get_absolute_url()).content.decode()
    assert notice in detail
    assert reverse("applications:application_receipt", args=[application.pk]) not in detail
    page = client.get(notice).content.decode()

    for expected in (
        "医疗救助申请不予受理告知书",
        "不予受理理由",
        "材料不全：缺少发票原件",
        "城厢街道办事处",
    ):
        assert expected in page, expected
    assert application.claimant.id_number not in page
    assert client.get(reverse("applications:application_receipt", args=[application.pk])).status_code == 404


def test_submitted_application_has_no_notice_yet(client, make_application, caseworker):
    application = make_application()
    client.force_login(caseworker)
    for name in ("applications:application_receipt", "applications:application_refusal_notice"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 404


def test_notices_outside_the_region_are_not_found(client, make_application, make_staff):
    accepted, refused = make_application(State.ACCEPTED), make_application(State.REFUSED)
    client.force_login(make_staff(Role.TOWNSHIP_CASEWORKER, "510703003"))
    assert client.get(reverse("applications:application_receipt", args=[accepted.pk])).status_code == 404
    assert (
        client.get(reverse("applications:application_refusal_notice", args=[refused.pk])).status_code == 404
    )


def test_a_caseworker_is_offered_the_application_kinds_of_the_applicants_city_only(
    client, caseworker, applicant, make_staff, claimant_factory
):
    client.force_login(caseworker)
    page = client.get(reverse("applications:application_register", args=[applicant.pk])).content.decode()
    assert 'value="certification"' in page
    assert 'value="beijing_annual"' not in page
    assert 'value="tianjin_illness"' not in page
    beijing = (
        Region.objects.filter(code__startswith="11", level=Region.Level.TOWNSHIP).order_by("code").first()
    )
    bj_caseworker = make_staff("township_caseworker", beijing.code, username="bj_caseworker")
    bj_person = claimant_factory(hukou_region=beijing)
    client.force_login(bj_caseworker)
    page = client.get(reverse("applications:application_register", args=[bj_person.pk])).content.decode()
    assert 'value="beijing_annual"' in page
    assert 'value="tianjin_illness"' not in page


def test_the_applicant_is_found_by_name_among_the_people_of_the_caseworkers_region(
    client, caseworker, claimant_factory
):
    wanted = claimant_factory(name="王秀英")
    namesake = claimant_factory(name="王秀兰")
    elsewhere = claimant_factory(name="王秀梅", hukou_region=Region.objects.get(code="510703003"))
    client.force_login(caseworker)
    page = client.get(reverse("applications:application_lookup"), {"q": "王秀"})
    shown = page.content.decode()
    assert [person for person, _entry in page.context["candidates"]] == [namesake, wanted]  # by name
    assert wanted.masked_id_number in shown
    assert wanted.id_number not in shown
    assert elsewhere.name not in shown  # another township: not the caseworker's
    assert reverse("applications:application_register", args=[wanted.pk]) in shown


def test_the_applicant_is_found_by_part_of_the_id_number_and_the_search_is_audited(
    client, caseworker, claimant_factory
):
    wanted = claimant_factory(name="赵敏")
    claimant_factory(name="钱多")
    client.force_login(caseworker)
    page = client.get(reverse("applications:application_lookup"), {"q": wanted.id_number[-6:]})
    assert [person for person, _entry in page.context["candidates"]] == [wanted]
    assert wanted.id_number not in page.content.decode()
    search = AuditLog.objects.get(action="search_id_fragment")
    assert search.user == caseworker
    assert search.detail == {"fragment": wanted.id_number[-6:], "found": [wanted.pk]}


def test_a_too_short_number_is_refused_with_what_to_type(client, caseworker, claimant_factory):
    claimant_factory()
    client.force_login(caseworker)
    page = client.get(reverse("applications:application_lookup"), {"q": "34"})
    assert "至少输入4位" in page.content.decode()
    assert "candidates" not in page.context
    assert not AuditLog.objects.exists()


def test_an_id_number_nobody_holds_offers_to_register_the_person_then_the_application(
    client, caseworker, claimant_factory
):
    newcomer = claimant_factory.build(hukou_region=Region.objects.get(code="510703001"))
    client.force_login(caseworker)
    page = client.get(reverse("applications:application_lookup"), {"q": newcomer.id_number})
    assert page.status_code == 200
    register_url = page.context["register_url"]
    assert register_url in page.content.decode().replace("&amp;", "&")
    form = client.get(register_url)
    assert form.context["form"].initial["id_number"] == newcomer.id_number
    response = client.post(
        register_url,
        {
            "name": "新来人",
            "id_number": newcomer.id_number,
            "hukou_region": "510703001",
            "insured_region": "510703001",
            "scheme": "resident",
        },
    )
    person = Claimant.objects.get(id_number=newcomer.id_number)
    assert response.url == reverse("applications:application_register", args=[person.pk])
