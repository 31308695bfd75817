"""/admin/: one system-wide superuser; a city administrator administers their own city only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token

from claimants import demo
from claimants.admin_access import CITY_ADMINISTRATORS, sync_staff_access
from claimants.models import AppendOnlyError, AuditLog, Region, User
from claimants.services import audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def bj_admin(make_staff):
    user = make_staff("system_administrator", "11", username="bj_admin")
    sync_staff_access(user)
    return user


@pytest.fixture
def mianyang_person(claimant_factory):
    return claimant_factory(name="绵阳人", hukou_region=Region.objects.get(code="510703001"))


def test_the_demo_has_one_superuser_and_city_administrators_who_are_not(client):
    demo.create_staff()
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        demo.SYSTEM_ACCOUNT
    ]
    city_admins = User.objects.filter(role="system_administrator")
    assert city_admins.count() == len(demo.CITIES)
    assert all(u.is_staff and not u.is_superuser for u in city_admins)
    assert all(u.groups.filter(name=CITY_ADMINISTRATORS).exists() for u in city_admins)


def test_a_city_administrator_sees_their_citys_people_masked_and_never_another_city(
    client, bj_admin, mianyang_person, claimant_factory
):
    beijing = (
        Region.objects.filter(jurisdiction="beijing", level=Region.Level.TOWNSHIP).order_by("code").first()
    )
    local = claimant_factory(name="北京人", hukou_region=beijing)
    client.force_login(bj_admin)
    listing = client.get(reverse("admin:claimants_claimant_changelist")).content.decode()
    assert "北京人" in listing
    assert "绵阳人" not in listing
    assert local.id_number not in listing
    assert local.masked_id_number in listing
    page = client.get(reverse("admin:claimants_claimant_change", args=[local.pk])).content.decode()
    assert local.id_number not in page
    assert (
        client.get(reverse("admin:claimants_claimant_change", args=[mianyang_person.pk])).status_code == 302
    )


def test_a_city_administrator_cannot_create_an_account_in_another_city_nor_a_superuser(client, bj_admin):
    client.force_login(bj_admin)
    response = client.post(
        reverse("admin:claimants_user_add"),
        {
            "username": "intruder",
            "password1": "Long-pass-word-123",
            "password2": "Long-pass-word-123",
            "role": "civil_affairs_officer",
            "department": "civil_affairs",
            "region": "5107",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not User.objects.filter(username="intruder").exists()
    client.post(
        reverse("admin:claimants_user_add"),
        {
            "username": "local",
            "password1": "Long-pass-word-123",
            "password2": "Long-pass-word-123",
            "role": "civil_affairs_officer",
            "department": "civil_affairs",
            "region": "1101",
        },
    )
    local = User.objects.get(username="local")
    page = client.get(reverse("admin:claimants_user_change", args=[local.pk])).content.decode()
    assert "is_superuser" not in page
    assert "user_permissions" not in page
    assert not local.is_staff


def test_a_city_administrator_reaches_no_tokens_schedules_or_other_citys_accounts(
    client, bj_admin, make_staff
):
    other = make_staff("civil_affairs_officer", "5107", username="my_civil")
    Token.objects.create(user=other)
    client.force_login(bj_admin)
    assert client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 403
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 403
    assert "my_civil" not in client.get(reverse("admin:claimants_user_changelist")).content.decode()
    assert client.get(reverse("admin:claimants_user_change", args=[other.pk])).status_code == 302


def test_audit_rows_are_never_changed_or_deleted(client, bj_admin, mianyang_person):
    row = audit(user=bj_admin, action="reveal_id_number", target=mianyang_person)
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).update(action="nothing")
    row.action = "nothing"
    with pytest.raises(AppendOnlyError):
        row.save()
    superuser = User.objects.create_superuser("root", password="Long-pass-word-123")
    client.force_login(superuser)
    assert client.get(reverse("admin:claimants_auditlog_delete", args=[row.pk])).status_code == 403
    assert AuditLog.objects.get(pk=row.pk).action == "reveal_id_number"


def test_a_visit_is_never_deleted_from_the_admin(
    client, policy_year_factory, claimant_factory, visit_factory
):
    policy_year_factory(jurisdiction="mianyang", year=2023)
    visit = visit_factory(claimant=claimant_factory())
    superuser = User.objects.create_superuser("root", password="Long-pass-word-123")
    client.force_login(superuser)
    assert client.get(reverse("admin:settlements_visit_delete", args=[visit.pk])).status_code == 403


def test_the_city_administrator_group_exists_after_migrate():
    group = Group.objects.get(name=CITY_ADMINISTRATORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_user", "view_claimant", "change_monitoringrule", "view_auditlog"} <= codenames
    assert not {"delete_auditlog", "change_auditlog", "view_token", "view_periodictask"} & codenames


@pytest.mark.parametrize(
    "model", ["claimants_claimant", "claimants_certification", "claimants_household", "settlements_visit"]
)
def test_records_the_services_own_are_not_written_around_them_even_by_the_superuser(
    client,
    model,
    policy_year_factory,
    claimant_factory,
    certification_factory,
    visit_factory,
    household_factory,
):
    """A certification saved in the admin would skip the overlap check and the history reason, a visit or a
    person would skip the plausibility checks: the admin shows them and changes none."""
    policy_year_factory(jurisdiction="mianyang", year=2023)
    person = claimant_factory()
    record = {
        "claimants_claimant": person,
        "claimants_certification": certification_factory(claimant=person),
        "claimants_household": household_factory(),
        "settlements_visit": visit_factory(claimant=person),
    }[model]
    superuser = User.objects.create_superuser("root", password="Long-pass-word-123")
    client.force_login(superuser)
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403
    assert client.post(reverse(f"admin:{model}_add"), {}).status_code == 403
    change = reverse(f"admin:{model}_change", args=[record.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {}).status_code == 403
    assert client.get(reverse(f"admin:{model}_delete", args=[record.pk])).status_code == 403
