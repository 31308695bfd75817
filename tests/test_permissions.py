"""Every URL x every role x own/other region, and anonymous users.

One table, ``URLS``: (url name, kwargs factory, roles allowed, method). A kwargs factory receives the
requesting user and the region code where the target row must live, and returns the URL kwargs.
Expected answers: anonymous -> redirect to login; a role not allowed -> 403; an allowed role on a row
outside its region -> 404; an allowed role on its own row -> a page or a redirect (< 400).
Other apps append their URLs to this table.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import reverse

from claimants import idnumbers, roles
from claimants.models import Certification, Claimant, Household, ImportBatch, Region

pytestmark = pytest.mark.django_db

OWN, OTHER = "510703001", "510704001"
USER_REGION = "510703"  # a county: OWN lies inside it, OTHER does not
_sequence = iter(range(1, 10_000))


def _claimant(region_code: str) -> Claimant:
    n = next(_sequence)
    region = Region.objects.get(code=region_code)
    return Claimant.objects.create(
        name=f"测试{n}",
        id_number=idnumbers.build(region_code[:6], dt.date(1980, 1, 1) + dt.timedelta(days=n), n),
        sex="M",
        birth_date=dt.date(1980, 1, 1),
        hukou_region=region,
        insured_region=region,
        scheme="resident",
    )


def claimant_kwargs(user, region_code):
    return {"pk": _claimant(region_code).pk}


def household_kwargs(user, region_code):
    n = next(_sequence)
    return {"pk": Household.objects.create(number=f"HP{n}", region_id=region_code).pk}


def member_kwargs(user, region_code):
    person = _claimant(region_code)
    household = Household.objects.create(number=f"HM{person.pk}", region_id=region_code)
    person.household, person.relation_to_head = household, "head"
    person.save()
    return {"pk": household.pk, "claimant_pk": person.pk}


def certification_kwargs(user, region_code):
    category = "monitored_rural" if user.role == roles.RURAL else "dibao"
    cert = Certification.objects.create(
        claimant=_claimant(region_code),
        category=category,
        jurisdiction="mianyang",
        department="rural_revitalization" if category == "monitored_rural" else "civil_affairs",
        valid_from=dt.date(2023, 1, 1),
    )
    return {"pk": cert.pk}


def batch_kwargs(user, region_code):
    batch = ImportBatch.objects.create(
        kind="certifications",
        file_name="x.csv",
        file_sha256="0" * 64,
        content=b"",
        region_id=region_code,
        created_by=user,
    )
    return {"pk": batch.pk}


def fmt_kwargs(fmt):
    return lambda user, region_code: {"fmt": fmt}


@dataclass(frozen=True)
class Url:
    name: str
    kwargs: Callable | None
    allowed: frozenset
    method: str = "get"
    data: dict | None = None
    scoped: bool = True  # whether the kwargs point at a row that has a region


ALL = roles.ALL_ROLES
CASEWORKER = frozenset({roles.CASEWORKER})
OFFICERS = frozenset({roles.CIVIL, roles.RURAL})

URLS: list[Url] = [
    Url("home", None, ALL),
    Url("claimants:list", None, ALL),
    Url("claimants:export", fmt_kwargs("csv"), ALL, scoped=False),
    Url("claimants:export", fmt_kwargs("xlsx"), ALL, scoped=False),
    Url("claimants:create", None, CASEWORKER),
    Url("claimants:detail", claimant_kwargs, ALL),
    Url("claimants:update", claimant_kwargs, CASEWORKER),
    Url("claimants:reveal_id", claimant_kwargs, frozenset(settings.JIUZHU_FULL_ID_ROLES), "post"),
    Url("claimants:certification_create", claimant_kwargs, OFFICERS),
    Url("claimants:household_create", None, CASEWORKER),
    Url("claimants:household_detail", household_kwargs, ALL),
    Url("claimants:household_update", household_kwargs, CASEWORKER),
    Url("claimants:household_member_add", household_kwargs, CASEWORKER, "post", {"id_number": "x"}),
    Url("claimants:household_member_remove", member_kwargs, CASEWORKER, "post"),
    Url("claimants:certification_list", None, ALL),
    Url("claimants:certification_revoke", certification_kwargs, OFFICERS),
    Url("claimants:certification_revoke", certification_kwargs, OFFICERS, "post", {"reason": "核查"}),
    Url("claimants:import_list", None, OFFICERS | {roles.ADMIN}),
    Url("claimants:import_create", None, OFFICERS),
    Url("claimants:import_detail", batch_kwargs, OFFICERS | {roles.ADMIN}),
    Url("claimants:import_discard", batch_kwargs, OFFICERS, "post"),
]


def _request(client, url: Url, path: str):
    return getattr(client, url.method)(path, url.data or {})


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_url_answers_each_role_by_region(client, make_staff, url):
    failures = []
    for role in sorted(ALL):
        user = make_staff(role, USER_REGION)
        client.force_login(user)
        regions = (OWN, OTHER) if url.kwargs and url.scoped else (OWN,)
        for region_code in regions:
            kwargs = url.kwargs(user, region_code) if url.kwargs else {}
            status = _request(client, url, reverse(url.name, kwargs=kwargs)).status_code
            if role not in url.allowed:
                expected_ok = status == 403
            elif region_code == OTHER:
                expected_ok = status == 404
            else:
                expected_ok = status < 400
            if not expected_ok:
                failures.append(f"{role} {region_code}: {status}")
    assert not failures, failures


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_anonymous_user_is_sent_to_login(client, make_staff, url):
    owner = make_staff(roles.CIVIL, USER_REGION)
    kwargs = url.kwargs(owner, OWN) if url.kwargs else {}
    response = _request(client, url, reverse(url.name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sixth_wrong_password_locks_out_even_the_right_password(client, make_staff):
    make_staff(roles.CASEWORKER, USER_REGION, username="lockme")
    login = reverse("login")
    for attempt in range(1, 6):
        response = client.post(login, {"username": "lockme", "password": "wrong-password"})
        assert response.status_code == (200 if attempt < 5 else 429)  # the 5th failure locks the account
    response = client.post(login, {"username": "lockme", "password": "pass-word-123"})  # 6th attempt
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_before_the_limit(client, make_staff):
    make_staff(roles.CASEWORKER, USER_REGION, username="fine")
    client.post(reverse("login"), {"username": "fine", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "fine", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
