"""Phone numbers: what a caseworker may type, what is stored, and the refusal every way in gives."""

import pytest
from django.urls import reverse

from claimants import validators
from claimants.errors import ClaimantError
from claimants.services import update_claimant
from core.errors import DomainError


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("0816-2345678", "0816-2345678"),
        ("08162345678", "0816-2345678"),
        ("010 12345678", "010-12345678"),
        ("", ""),
        ("12345", None),
        ("23812345678", None),
        ("1381234567", None),
        ("phone me", None),
        ("0816-2345678-1234567", None),
    ],
)
def test_phone_numbers_are_mobile_or_fixed_line_and_stored_in_one_form(raw, stored):
    assert validators.normalized_phone(raw) == stored


@pytest.mark.django_db
def test_the_registration_form_says_what_a_phone_number_looks_like(client, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("claimants:create"), {"name": "张三", "phone": "12345"})
    assert "联系电话应为11位手机号" in " ".join(response.context["form"].errors["phone"])


@pytest.mark.django_db
def test_a_service_refuses_a_phone_number_whatever_the_caller(caseworker, claimant_factory):
    person = claimant_factory()
    with pytest.raises(DomainError) as refused:
        update_claimant(claimant=person, by=caseworker, phone="call me")
    assert refused.value.code == ClaimantError.INVALID_PHONE
    assert update_claimant(claimant=person, by=caseworker, phone="138 1234 5678").phone == "13812345678"
