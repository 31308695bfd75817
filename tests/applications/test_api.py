"""The departments' API: token authentication, scope, replies, 400 on bad payloads."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications.models import AssistanceApplication, State
from claimants.models import Certification
from core.roles import Role

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_officer_lists_referrals_of_their_region_and_department_only(
    make_application, civil_officer, make_staff
):
    referred = make_application(State.REFERRED)
    make_application(State.ACCEPTED)
    response = client_for(civil_officer).get("/api/referrals/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [referred.pk]
    assert response.json()["results"][0]["claimant_id_number"] == referred.claimant.masked_id_number
    assert (
        client_for(make_staff(Role.RURAL_REVITALIZATION_OFFICER)).get("/api/referrals/").json()["count"] == 0
    )
    beijing = make_staff(Role.CIVIL_AFFAIRS_OFFICER, "11")
    assert client_for(beijing).get("/api/referrals/").json()["count"] == 0


def test_other_roles_and_anonymous_are_refused(caseworker):
    assert client_for(caseworker).get("/api/referrals/").status_code == 403
    assert APIClient().get("/api/referrals/").status_code == 401


def test_officer_certifies_through_the_api(make_application, civil_officer):
    application = make_application(State.REFERRED)
    response = client_for(civil_officer).post(
        f"/api/referrals/{application.pk}/reply/",
        {
            "decision": "certify",
            "valid_from": "2024-03-04",
            "certificate_number": "MZ-9",
            "reason": "符合条件",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.CERTIFIED
    certification = Certification.objects.get()
    assert (certification.category, certification.source) == ("marginal", Certification.Source.REFERRAL)


def test_officer_declines_with_a_reason(make_application, civil_officer):
    application = make_application(State.REFERRED)
    response = client_for(civil_officer).post(
        f"/api/referrals/{application.pk}/reply/",
        {"decision": "decline", "reason": "收入超标"},
        format="json",
    )
    assert response.json()["state"] == State.DECLINED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"decision": "certify", "reason": "x"}, "valid_from"),
        ({"decision": "maybe", "reason": "x"}, "decision"),
        ({"decision": "decline"}, "reason"),
        (
            {"decision": "certify", "reason": "x", "valid_from": "2024-03-04", "valid_to": "2024-01-01"},
            "valid_to",
        ),
        ({"decision": "certify", "reason": "x", "valid_from": "not a date"}, "valid_from"),
    ],
)
def test_bad_payload_answers_400_with_field_errors_and_changes_nothing(
    make_application, civil_officer, payload, field
):
    application = make_application(State.REFERRED)
    response = client_for(civil_officer).post(
        f"/api/referrals/{application.pk}/reply/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.REFERRED
    assert not Certification.objects.exists()


def test_refused_transition_answers_400_with_its_code(make_application, civil_officer):
    application = make_application(State.DECLINED)
    response = client_for(civil_officer).post(
        f"/api/referrals/{application.pk}/reply/", {"decision": "decline", "reason": "再次"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"


def test_referral_of_another_department_is_not_found(make_application, make_staff):
    application = make_application(State.REFERRED)
    rural = make_staff(Role.RURAL_REVITALIZATION_OFFICER)
    response = client_for(rural).post(
        f"/api/referrals/{application.pk}/reply/", {"decision": "decline", "reason": "x"}, format="json"
    )
    assert response.status_code == 404


def test_schema_is_served_to_signed_in_users(client, civil_officer):
    assert client.get("/api/schema/").status_code == 401
    client.force_login(civil_officer)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/referrals/{id}/reply/" in response.content
