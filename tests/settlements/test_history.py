"""Visits and settlements keep a history of every change (修改记录), written on change only: creation writes
no history row, the first change keeps the as-created state before recording the change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from claimants import imports
from core.roles import Role
from settlements import history
from settlements.models import Settlement, Visit
from settlements.services import record_visit, reverse_settlement, settle_visit, settle_visits
from settlements.visit_import import KIND
from tests.settlements.test_visit_import import PLATFORM, csv_bytes, platform_row

pytestmark = pytest.mark.django_db

D = Decimal


def records(obj) -> list[tuple]:
    """(type, user, reason) of each history record of ``obj``, oldest first."""
    return [
        (r.history_type, r.history_user, r.history_change_reason)
        for r in obj.history.order_by("history_date", "history_id")
    ]


@pytest.fixture
def given_critical_illness(mianyang_2023, certified, visit_factory):
    """A visit whose 大病 amount the platform gave: settling it changes nothing on the visit."""
    return visit_factory(claimant=certified(), critical_illness_paid=D("0.00"))


@pytest.fixture
def computed_critical_illness(mianyang_2023, certified, visit_factory):
    """A visit without a 大病 amount: its settlement copies the computed 大病 tier onto it."""
    return visit_factory(claimant=certified(), policy_scope_cost=D("40000.00"), total_cost=D("45000.00"))


def test_creating_visits_and_settlements_writes_no_history(reviewer, mianyang_2023, certified, visit_factory):
    visit = record_visit(
        by=reviewer,
        claimant=certified(),
        visit_type="inpatient",
        admitted=dt.date(2023, 3, 1),
        discharged=dt.date(2023, 3, 9),
        referral="referred",
        total_cost=D("8000.00"),
        policy_scope_cost=D("6000.00"),
        basic_insurance_paid=D("3000.00"),
        critical_illness_paid=D("0.00"),
    )
    settle_visit(visit=visit, by=reviewer)
    settle_visits(
        visits=[visit_factory(claimant=certified(), critical_illness_paid=0) for _ in range(3)], by=None
    )

    assert Settlement.objects.count() == 4
    assert not Visit.history.exists()
    assert list(Settlement.history.values_list("history_type", "id", "history_change_reason")) == []


def test_importing_platform_records_writes_no_visit_history(reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    content = csv_bytes(
        PLATFORM, [platform_row("S1", person), platform_row("S2", person, setl_time="20230402")]
    )

    imports.commit(
        batch=imports.stage(kind=KIND, file_name="setl.csv", content=content, by=reviewer), by=reviewer
    )

    assert Visit.objects.filter(claimant=person).count() == 2
    assert not Visit.history.exists()


def test_reversal_keeps_the_settlement_as_created_then_who_when_and_why(
    reviewer, make_staff, given_critical_illness
):
    settlement = settle_visit(visit=given_critical_illness, by=reviewer)
    other = make_staff("medical_security_reviewer")

    reverse_settlement(settlement=settlement, by=other, reason="费用录入有误")

    assert records(settlement) == [("+", reviewer, ""), ("~", other, "费用录入有误")]
    created, changed = settlement.history.order_by("history_date", "history_id")
    assert created.history_date == settlement.settled_at
    assert (created.reversed_at, created.reversal_reason, created.assistance) == (
        None,
        "",
        settlement.assistance,
    )
    assert changed.reversed_at is not None
    assert changed.reversal_reason == "费用录入有误"
    assert created.instance.explanation == settlement.explanation  # the as-created row, whole
    assert not Visit.history.exists()  # its 大病 amount was given: the visit did not change


def test_the_per_tier_columns_are_not_kept_in_the_settlement_history():
    names = {field.name for field in Settlement.history.model._meta.fields}
    assert {"assistance", "reversal_reason"} <= names
    assert not {"medical_assistance", "tilted_assistance", "major_illness_assistance"} & names


def test_computed_critical_illness_is_a_visit_change_kept_with_the_visit_as_created(
    reviewer, computed_critical_illness
):
    visit = computed_critical_illness
    settlement = settle_visit(visit=visit, by=reviewer)
    computed = settlement.critical_illness_insurance
    assert computed > 0

    reverse_settlement(settlement=settlement, by=reviewer, reason="重复结算")
    settle_visit(visit=visit, by=reviewer)

    kept = list(visit.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.critical_illness_settled) for r in kept] == [
        ("+", None),
        ("~", computed),
        ("~", None),
        ("~", computed),
    ]
    assert [r.history_change_reason for r in kept] == ["", "结算", "冲正：重复结算", "结算"]
    assert kept[0].history_date == visit.created_at
    assert {r.history_user for r in kept[1:]} == {reviewer}


def test_a_batch_records_each_changed_visit_in_bulk(reviewer, mianyang_2023, certified, visit_factory):
    visits = [
        visit_factory(claimant=certified(), policy_scope_cost=D("40000.00"), total_cost=D("45000.00"))
        for _ in range(3)
    ]

    outcome = settle_visits(visits=visits, by=reviewer)

    assert len(outcome.settlements) == 3
    for visit in visits:
        visit.refresh_from_db()
        assert [
            (r.history_type, r.critical_illness_settled)
            for r in visit.history.order_by("history_date", "history_id")
        ] == [
            ("+", None),
            ("~", visit.critical_illness_settled),
        ]
    assert list(Settlement.history.values_list("history_type", "id", "history_change_reason")) == []


def test_a_saved_correction_keeps_the_visit_as_created(reviewer, given_critical_illness):
    visit = given_critical_illness
    visit.total_cost, visit._history_user, visit._change_reason = D("16000.00"), reviewer, "发票金额更正"

    visit.save()
    visit.total_cost = D("16500.00")
    visit.save()

    kept = list(visit.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.total_cost) for r in kept] == [
        ("+", D("15000.00")),
        ("~", D("16000.00")),
        ("~", D("16500.00")),
    ]
    assert (kept[1].history_user, kept[1].history_change_reason) == (reviewer, "发票金额更正")


def test_the_as_created_record_names_who_entered_or_imported_the_visit(
    reviewer, make_staff, claimant_factory, mianyang_2023, certified
):
    entered = record_visit(
        by=reviewer,
        claimant=certified(),
        visit_type="outpatient_general",
        admitted=dt.date(2023, 3, 1),
        discharged=dt.date(2023, 3, 1),
        referral="referred",
        total_cost=D("800.00"),
        policy_scope_cost=D("600.00"),
        critical_illness_paid=D("0.00"),
    )
    importer = make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="importer")
    content = csv_bytes(PLATFORM, [platform_row("S1", claimant_factory())])
    imports.commit(
        batch=imports.stage(kind=KIND, file_name="s.csv", content=content, by=importer), by=importer
    )
    imported = Visit.objects.get(settlement_ref="S1")
    assert (entered.created_by, imported.created_by) == (reviewer, importer)

    for visit in (entered, imported):
        visit.total_cost += D("100.00")
        visit._history_user, visit._change_reason = reviewer, "发票金额更正"
        visit.save()

    assert records(entered) == [("+", reviewer, ""), ("~", reviewer, "发票金额更正")]
    assert records(imported) == [("+", importer, ""), ("~", reviewer, "发票金额更正")]


def test_updates_through_the_helper_leave_a_record_per_row(reviewer, mianyang_2023, certified, visit_factory):
    settlements = settle_visits(
        visits=[visit_factory(claimant=certified(), critical_illness_paid=0) for _ in range(2)], by=None
    ).settlements
    ids = [s.pk for s in settlements]

    with history.changing(Settlement, ids, by=reviewer, reason="医院已垫付"):
        Settlement.objects.filter(pk__in=ids).update(assistance_paid_at_hospital=D("100.00"))
    with history.changing(Settlement, ids[:1], by=reviewer.pk, reason="更正"):
        Settlement.objects.filter(pk__in=ids[:1]).update(assistance_paid_at_hospital=D("0.00"))

    first, second = (
        [
            (r.history_type, r.assistance_paid_at_hospital, r.history_change_reason)
            for r in s.history.order_by("history_date", "history_id")
        ]
        for s in settlements
    )
    assert first == [("+", D("0.00"), ""), ("~", D("100.00"), "医院已垫付"), ("~", D("0.00"), "更正")]
    assert second == [("+", D("0.00"), ""), ("~", D("100.00"), "医院已垫付")]


def test_a_deleted_visit_leaves_its_last_state(given_critical_illness):
    pk = given_critical_illness.pk

    given_critical_illness.delete()

    (record,) = Visit.history.filter(id=pk)
    assert (record.history_type, record.total_cost) == ("-", D("15000.00"))


def test_settlement_page_shows_the_history_with_the_reversal_reason(client, reviewer, given_critical_illness):
    settlement = settle_visit(visit=given_critical_illness, by=reviewer)
    reverse_settlement(settlement=settlement, by=reviewer, reason="费用录入有误")
    client.force_login(reviewer)

    page = client.get(reverse("settlements:settlement_detail", args=[settlement.pk])).content.decode()

    section = page[page.index("修改记录") :]
    assert "费用录入有误" in section
    assert "冲正原因" in section
    assert "新建" in section
    assert given_critical_illness.claimant.id_number not in page


def test_visit_page_shows_its_history_with_people_masked(
    client, reviewer, certified, computed_critical_illness
):
    visit = computed_critical_illness
    settle_visit(visit=visit, by=reviewer)
    first, other = visit.claimant, certified()
    visit = Visit.objects.get(pk=visit.pk)
    visit.claimant, visit._history_user, visit._change_reason = other, reviewer, "就诊人更正"
    visit.save()
    client.force_login(reviewer)

    page = client.get(reverse("settlements:visit_detail", args=[visit.pk])).content.decode()

    section = page[page.index("修改记录") :]
    assert "结算计算的大病保险" in section
    assert "就诊人更正" in section
    assert first.masked_id_number in section
    assert other.masked_id_number in section
    assert first.id_number not in page
    assert other.id_number not in page


def history_sections(client, user, visit) -> tuple[str, str]:
    """The history section of the visit's page as ``user`` reads it in Chinese, then in English."""
    client.force_login(user)
    url = reverse("settlements:visit_detail", args=[visit.pk])
    chinese = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    return chinese[chinese.index("修改记录") :], english[english.index("Change log") :]


def test_the_services_reasons_are_shown_in_the_readers_language(client, reviewer, computed_critical_illness):
    settlement = settle_visit(visit=computed_critical_illness, by=reviewer)
    reverse_settlement(settlement=settlement, by=reviewer, reason="费用录入有误")

    chinese, english = history_sections(client, reviewer, computed_critical_illness)
    assert "<td>结算</td>" in chinese
    assert "冲正：费用录入有误" in chinese
    assert "<td>Settled</td>" in english
    assert "Reversed: 费用录入有误" in english


def test_a_change_made_by_no_one_is_shown_as_the_systems_as_on_a_policy_year(
    client, reviewer, computed_critical_illness
):
    """A settlement run with no user (a scheduled batch) changes the visit it settles: the history names
    the system (系统 / System), as the policy year's history does, not a blank."""
    settle_visits(visits=[computed_critical_illness], by=None)

    chinese, english = history_sections(client, reviewer, computed_critical_illness)
    assert "<td>系统</td>" in chinese
    assert "<td>System</td>" in english


def test_history_is_shown_only_to_those_who_may_see_the_page(
    client, make_staff, caseworker, reviewer, given_critical_illness
):
    settlement = settle_visit(visit=given_critical_illness, by=reviewer)
    reverse_settlement(settlement=settlement, by=reviewer, reason="费用录入有误")
    url = reverse("settlements:settlement_detail", args=[settlement.pk])

    client.force_login(make_staff("medical_security_reviewer", "11"))  # another city
    assert client.get(url).status_code == 404
    client.force_login(caseworker)
    assert client.get(url).status_code == 403
    client.force_login(make_staff("manager"))
    assert "费用录入有误" in client.get(url).content.decode()


def test_admin_shows_visits_and_their_history_read_only(admin_user, given_critical_illness):
    request = RequestFactory().get("/")
    request.user = admin_user
    visit_admin = site._registry[Visit]

    assert not visit_admin.has_change_permission(request, given_critical_illness)
    assert not visit_admin.has_delete_permission(request, given_critical_illness)
