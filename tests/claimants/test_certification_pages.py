"""Certifications: made and revoked by the certifying department with their history, overlaps refused, the
list of certifications, and their change history naming people."""

import datetime as dt

import pytest
from django.urls import reverse

from claimants import services
from claimants.errors import ClaimantError
from claimants.models import Certification
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_civil_officer_certifies_and_revokes_with_history(client, civil_officer, claimant_factory):
    person = claimant_factory()
    client.force_login(civil_officer)
    response = client.post(
        reverse("claimants:certification_create", args=[person.pk]),
        {"category": "dibao", "valid_from": "2023-01-01", "certificate_number": "DB1"},
    )
    assert response.status_code == 302
    cert = person.certifications.get()
    assert (cert.department, cert.created_by) == ("civil_affairs", civil_officer)
    client.post(reverse("claimants:certification_revoke", args=[cert.pk]), {"reason": "收入超标"})
    cert.refresh_from_db()
    assert cert.status == Certification.Status.REVOKED
    page = client.get(person.get_absolute_url()).content.decode()
    assert "撤销认定：低保对象" in page
    assert "收入超标" in page


def test_rural_officer_may_not_certify_civil_affairs_categories(
    rural_officer, civil_officer, claimant_factory
):
    person = claimant_factory()
    with pytest.raises(DomainError) as excinfo:
        services.certify(by=rural_officer, claimant=person, category="dibao", valid_from=dt.date(2023, 1, 1))
    assert excinfo.value.code == ClaimantError.NOT_CERTIFYING_DEPARTMENT
    cert = services.certify(
        by=rural_officer, claimant=person, category="monitored_rural", valid_from=dt.date(2023, 1, 1)
    )
    assert cert.department == "rural_revitalization"
    with pytest.raises(DomainError):
        services.revoke_certification(certification=cert, by=civil_officer, reason="x")


def test_overlapping_certification_of_the_same_category_is_refused(civil_officer, claimant_factory):
    person = claimant_factory()
    services.certify(
        by=civil_officer,
        claimant=person,
        category="dibao",
        valid_from=dt.date(2023, 1, 1),
        valid_to=dt.date(2023, 12, 31),
    )
    with pytest.raises(DomainError) as excinfo:
        services.certify(by=civil_officer, claimant=person, category="dibao", valid_from=dt.date(2023, 6, 1))
    assert excinfo.value.code == ClaimantError.OVERLAPPING_CERTIFICATION
    services.certify(by=civil_officer, claimant=person, category="dibao", valid_from=dt.date(2024, 1, 1))
    services.certify(by=civil_officer, claimant=person, category="destitute", valid_from=dt.date(2023, 6, 1))


def test_certification_list_shows_expired_from_dates(client, manager, certification_factory):
    certification_factory(
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1), certificate_number="OLD"
    )
    certification_factory(certificate_number="NOW")
    client.force_login(manager)
    page = client.get(reverse("claimants:certification_list"), {"status": "expired"}).content.decode()
    assert "OLD" in page
    assert "NOW" not in page
    assert "已到期" in page


def test_the_change_history_names_people_and_places_not_row_ids(
    client, civil_officer, caseworker, claimant_factory
):
    from claimants.services import certify

    person = claimant_factory()
    certify(by=civil_officer, claimant=person, category="dibao", valid_from=dt.date(2023, 1, 1))
    client.force_login(caseworker)
    page = client.get(person.get_absolute_url())
    rows = [change for change in page.context["certification_history"] for change in change.changes]
    created_by = next(new for label, _old, new in rows if label == "录入人")
    assert created_by == (civil_officer.get_full_name() or civil_officer.username)
    assert created_by != str(civil_officer.pk)
