"""The payment pages and the result API as each role: 403 for a wrong role, 404 outside the region."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from applications.models import AssistanceApplication, State
from core.roles import Role
from payments import services
from payments.models import BatchState, LineState, PaymentBatch
from tests.payments.conftest import ACCOUNT, result_csv

pytestmark = pytest.mark.django_db
PAID_ON = dt.date(2023, 7, 3)


@pytest.fixture
def elsewhere(make_staff):
    """A Beijing manager and reviewer: Mianyang's batches are outside their region."""
    return {
        "manager": make_staff(Role.MANAGER, "11", username="bj_manager"),
        "reviewer": make_staff(Role.MEDICAL_SECURITY_REVIEWER, "11", username="bj_reviewer"),
    }


def test_caseworkers_and_officers_get_403_on_every_payment_page(
    client, caseworker, civil_officer, approved_claim, released
):
    batch = released([approved_claim()])
    urls = [
        reverse("payments:batch_list"),
        reverse("payments:payable"),
        batch.get_absolute_url(),
        reverse("payments:bank_file", args=[batch.pk, "csv"]),
        reverse("payments:notice"),
    ]
    for user in (caseworker, civil_officer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.role, url)
        for name in ("batch_check", "batch_return", "batch_release", "bank_results"):
            assert client.post(reverse(f"payments:{name}", args=[batch.pk])).status_code == 403


def test_a_batch_outside_the_region_is_404(client, elsewhere, approved_claim, released):
    batch = released([approved_claim()])
    client.force_login(elsewhere["manager"])
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.get(reverse("payments:bank_file", args=[batch.pk, "xlsx"])).status_code == 404
    assert client.post(reverse("payments:batch_release", args=[batch.pk])).status_code == 404
    client.force_login(elsewhere["reviewer"])
    assert client.post(reverse("payments:batch_check", args=[batch.pk])).status_code == 404
    assert batch.get_absolute_url() not in client.get(reverse("payments:batch_list")).content.decode()


def test_the_reviewer_makes_the_checker_checks_and_the_manager_releases_through_the_pages(
    client, approved_claim, owed_settlement, maker, checker, releaser
):
    application, settlement = approved_claim(), owed_settlement()
    client.force_login(maker)
    page = client.get(reverse("payments:payable")).content.decode()
    assert application.number in page
    assert f'name="settlement" value="{settlement.pk}"' in page
    assert ACCOUNT not in page
    response = client.post(
        reverse("payments:payable"), {"application": [application.pk], "settlement": [settlement.pk]}
    )
    batch = PaymentBatch.objects.get()
    assert response.url == batch.get_absolute_url()
    assert "复核通过" not in client.get(batch.get_absolute_url()).content.decode()  # not for its maker
    client.force_login(checker)
    assert "复核通过" in client.get(batch.get_absolute_url()).content.decode()
    client.post(reverse("payments:batch_check", args=[batch.pk]))
    client.force_login(releaser)
    client.post(reverse("payments:batch_release", args=[batch.pk]), {"note": ""})
    batch.refresh_from_db()
    assert batch.state == BatchState.RELEASED
    page = client.get(application.get_absolute_url()).content.decode()
    assert batch.number in page
    assert "已放款待回盘" in page


def test_a_refused_step_shows_its_reason(client, approved_claim, maker):
    batch = services.make_batch(by=maker, application_ids=[approved_claim().pk])
    client.force_login(maker)
    response = client.post(reverse("payments:batch_check", args=[batch.pk]), follow=True)
    assert "制单人不能复核自己制作的批次" in response.content.decode()
    assert PaymentBatch.objects.get().state == BatchState.MADE


def test_result_upload_page_pays_and_a_bad_file_answers_400_with_every_error(
    client, approved_claim, released, checker
):
    application = approved_claim()
    batch = released([application])
    line = batch.lines.get()
    client.force_login(checker)
    url = reverse("payments:bank_results", args=[batch.pk])
    bad = result_csv([(line.reference, "1.00", "成功", PAID_ON, "")])
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", bad)})
    assert response.status_code == 400
    assert "与本批次该笔金额" in response.content.decode()
    good = result_csv([(line.reference, line.amount, "成功", PAID_ON, "")])
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", good)})
    assert response.status_code == 302
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.PAID


def test_result_api_answers_json(client, approved_claim, released, checker, caseworker, elsewhere):
    batch = released([approved_claim(), approved_claim("钱七")])
    first, second = batch.lines.order_by("pk")
    url = reverse("api_bank_results", args=[batch.pk])
    token = Token.objects.create(user=checker)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    response = client.post(url, {"file": SimpleUploadedFile("r.txt", b"x")}, **auth)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_upload"
    bad = result_csv([("ZF-NONE", "1.00", "成功", PAID_ON, "")])
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", bad)}, **auth)
    assert response.status_code == 400
    assert response.json()["code"] == "result_errors"
    assert "ZF-NONE" in response.json()["errors"][0]
    content = result_csv(
        [
            (first.reference, first.amount, "成功", PAID_ON, ""),
            (second.reference, second.amount, "失败", "", "账号有误"),
        ]
    )
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", content)}, **auth)
    assert response.status_code == 200
    assert response.json() == {"batch": batch.number, "state": "已回盘", "paid": 1, "failed": 1}
    assert set(batch.lines.values_list("state", flat=True)) == {LineState.PAID, LineState.FAILED}
    client.force_login(caseworker)
    assert client.post(url, {"file": SimpleUploadedFile("r.csv", content)}).status_code == 403
    client.force_login(elsewhere["manager"])
    assert client.post(url, {"file": SimpleUploadedFile("r.csv", content)}).status_code == 404


def test_payee_form_keeps_the_account_masked_and_corrects_it(client, maker, owed_settlement, make_staff):
    settlement = owed_settlement()
    claimant = settlement.claimant
    client.force_login(maker)
    url = reverse("payments:payee_edit", args=[claimant.pk])
    page = client.get(url).content.decode()
    assert ACCOUNT not in page
    assert ACCOUNT[-4:] in page
    response = client.post(
        url + "?next=payable",
        {"name": claimant.name, "bank_name": "建设银行", "account_number": "6217 0001 2345 6789"},
    )
    assert response.url == reverse("payments:payable")
    claimant.payee.refresh_from_db()
    assert claimant.payee.account_number == "6217000123456789"
    response = client.post(url, {"name": claimant.name, "bank_name": "建设银行", "account_number": "12"})
    assert "银行账号应为8至32位数字" in response.content.decode()
    client.force_login(make_staff(Role.TOWNSHIP_CASEWORKER, "110101001"))
    assert client.get(url).status_code == 404


def test_navigation_shows_payments_to_reviewers_and_managers_only(client, maker, manager, caseworker):
    for user, shown in ((maker, True), (manager, True), (caseworker, False)):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert (reverse("payments:batch_list") in page) is shown


def test_a_release_note_too_long_is_refused_with_its_reason(client, approved_claim, maker, checker, releaser):
    batch = services.check_batch(
        batch=services.make_batch(by=maker, application_ids=[approved_claim().pk]), by=checker
    )
    client.force_login(releaser)
    response = client.post(
        reverse("payments:batch_release", args=[batch.pk]), {"note": "超" * 501}, follow=True
    )
    assert "放款说明不超过 500 字" in response.content.decode()
    assert PaymentBatch.objects.get().state == BatchState.CHECKED


def test_payment_pages_queries_do_not_grow_with_rows(
    client, approved_claim, owed_settlement, maker, checker, released, django_assert_max_num_queries
):
    names = ["甲一", "乙二", "丙三", "丁四"]
    batch = released([approved_claim(n) for n in names[:2]], [owed_settlement(n + "欠") for n in names])
    for n in names[2:]:
        approved_claim(n)
    client.force_login(maker)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("payments:payable")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(batch.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("payments:batch_list")).status_code == 200
