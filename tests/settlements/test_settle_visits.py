"""Batch settlement (``settle_visits``): one transaction per chunk, one savepoint per visit.

The person (特困, 100% of the base) has a 10000.00 annual cap in these tests; each visit alone would be paid
7000.00, so the order of settlement decides which visit reaches the cap.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.dashboards.models import PersonYearRollup, SettlementRollup
from settlements.models import LedgerEntry, Settlement
from settlements.services import settle_visit, settle_visits

D = Decimal
FIELDS = ("assistance", "personal_burden", "reason")


@pytest.fixture
def capped_year(policy_year_factory):
    return policy_year_factory(jurisdiction="mianyang", year=2023, assistance_annual_cap=D("10000.00"))


@pytest.fixture
def visits_of(certified, visit_factory):
    """Visits of one new 特困 claimant discharged on the given April days (created in the order given)."""

    def make(*days, category="destitute"):
        claimant = certified(category)
        return [
            visit_factory(
                claimant=claimant,
                admitted=dt.date(2023, 4, day),
                discharged=dt.date(2023, 4, day),
                policy_scope_cost=D("10000.00"),
                basic_insurance_paid=D("2000.00"),
                critical_illness_paid=D("1000.00"),
            )
            for day in days
        ]

    return make


def paid(visits) -> Decimal:
    return LedgerEntry.objects.get(claimant=visits[0].claimant, year=2023, counter="inpatient_paid").amount


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_size", [500, 2])
def test_batch_settles_in_discharge_order_with_the_amounts_of_settling_one_by_one(
    capped_year, visits_of, reviewer, chunk_size
):
    batch_people = [visits_of(20, 5, 12), visits_of(9, 3), visits_of(1, category="dibao")]
    single_people = [visits_of(20, 5, 12), visits_of(9, 3), visits_of(1, category="dibao")]
    for visits in single_people:
        for visit in sorted(visits, key=lambda v: v.discharged):
            settle_visit(visit=visit, by=reviewer)

    given = [visit for visits in reversed(batch_people) for visit in visits]  # not in discharge order
    outcome = settle_visits(visits=given, by=reviewer, chunk_size=chunk_size)

    assert outcome.refusals == []
    assert [s.discharged for s in outcome.settlements] == sorted(v.discharged for v in given)
    for batch, single in zip(batch_people, single_people, strict=True):
        for batch_visit, single_visit in zip(batch, single, strict=True):
            got = Settlement.objects.get(visit=batch_visit)
            expected = Settlement.objects.get(visit=single_visit)
            assert [getattr(got, f) for f in FIELDS] == [getattr(expected, f) for f in FIELDS]
            assert got.tier_items() == expected.tier_items()
            assert got.settled_by == reviewer
            assert not got.out_of_order
        assert paid(batch) == paid(single)
    first = batch_people[0]
    assert [Settlement.objects.get(visit=v).tier("medical_assistance") for v in first] == [
        D("0.00"),
        D("7000.00"),
        D("3000.00"),
    ]  # 5 April paid in full, 12 April up to the cap, 20 April nothing: the cap holds across the batch
    assert paid(first) == D("10000.00")
    person = PersonYearRollup.objects.get(claimant=first[0].claimant, year=2023)
    assert (person.settlements, person.assistance) == (
        3,
        sum(s.assistance for s in Settlement.objects.filter(visit__in=first)),
    )


@pytest.mark.django_db
def test_a_refused_visit_is_reported_and_does_not_undo_the_others(capped_year, visits_of, reviewer):
    kept = visits_of(3, 9)
    (no_policy_year,) = visits_of(4)
    no_policy_year.discharged = no_policy_year.admitted = dt.date(2022, 4, 4)  # 2022 has no policy year
    no_policy_year.save()

    outcome = settle_visits(visits=[*kept, no_policy_year], by=reviewer)

    assert [s.visit for s in outcome.settlements] == kept
    assert [(r.visit, r.code) for r in outcome.refusals] == [(no_policy_year, "no_policy_year")]
    assert "2022" in outcome.refusals[0].message
    assert Settlement.objects.filter(visit__in=kept).count() == 2
    assert not Settlement.objects.filter(visit=no_policy_year).exists()
    assert paid(kept) == D("10000.00")


@pytest.mark.django_db
def test_a_second_batch_over_the_same_visits_refuses_them_all_and_stores_nothing(
    capped_year, visits_of, reviewer
):
    visits = visits_of(3, 9) + visits_of(5)
    settle_visits(visits=visits, by=reviewer)
    before = (
        Settlement.objects.count(),
        sorted(LedgerEntry.objects.values_list("pk", "amount")),
        sorted(SettlementRollup.objects.values_list("settlements", "assistance")),
    )

    outcome = settle_visits(visits=visits, by=reviewer)

    assert outcome.settlements == []
    assert [r.code for r in outcome.refusals] == ["already_settled"] * 3
    assert (
        Settlement.objects.count(),
        sorted(LedgerEntry.objects.values_list("pk", "amount")),
        sorted(SettlementRollup.objects.values_list("settlements", "assistance")),
    ) == before


@pytest.mark.django_db
def test_reviewer_settles_the_selected_visits_of_the_region_from_the_list(
    client, capped_year, visits_of, reviewer, claimant_factory, certification_factory, visit_factory, regions
):
    from claimants.models import Region

    mine = visits_of(3, 9)
    other_claimant = claimant_factory(
        hukou_region=Region.objects.filter(code__startswith="11", level=4).first()
    )
    other = visit_factory(claimant=other_claimant)
    client.force_login(reviewer)

    response = client.post(
        reverse("settlements:visit_bulk_settle"),
        {"scope": "selected", "visit": [v.pk for v in [*mine, other]], "query": "status=awaiting"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("settlements:visit_list") + "?status=awaiting"
    texts = [str(m) for m in response.context["messages"]]
    assert "已结算 2 条就医记录" in texts
    assert any(text.startswith("1 条就医记录不存在或不在您的管辖范围内") for text in texts)
    assert Settlement.objects.filter(visit__in=mine).count() == 2
    assert not Settlement.objects.filter(visit=other).exists()

    response = client.post(
        reverse("settlements:visit_bulk_settle"), {"scope": "selected", "visit": [mine[0].pk]}, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [f"{mine[0].claimant.name} 2023-04-03 出院的就诊未结算：该就诊已结算"]


@pytest.mark.django_db
def test_settle_this_page_settles_the_pending_visits_shown(client, capped_year, visits_of, reviewer):
    visits = visits_of(3) + visits_of(9)
    client.force_login(reviewer)
    page = client.get(reverse("settlements:visit_list"))
    assert page.context["page_pending"] == [v.pk for v in visits]
    assert "结算本页待结算（2 条）" in page.content.decode()

    client.post(
        reverse("settlements:visit_bulk_settle"),
        {"scope": "page", "page_visit": page.context["page_pending"], "visit": [visits[0].pk]},
    )

    assert Settlement.objects.filter(visit__in=visits).count() == 2


@pytest.mark.django_db
def test_only_reviewers_settle_in_bulk(client, capped_year, visits_of, caseworker, manager):
    visits = visits_of(3)
    for user in (caseworker, manager):
        client.force_login(user)
        response = client.post(reverse("settlements:visit_bulk_settle"), {"visit": [visits[0].pk]})
        assert response.status_code == 403
    assert "结算所选" not in client.get(reverse("settlements:visit_list")).content.decode()  # the manager
    assert not Settlement.objects.exists()


@pytest.mark.django_db
def test_a_visit_after_a_refused_one_of_the_same_person_reads_the_current_ledger(
    capped_year, visits_of, reviewer
):
    first, second = visits_of(3, 9)
    settle_visit(visit=first, by=reviewer)

    outcome = settle_visits(visits=[second, first], by=reviewer)

    assert [r.code for r in outcome.refusals] == ["already_settled"]
    (settlement,) = outcome.settlements
    assert (settlement.visit, settlement.tier("medical_assistance"), settlement.reason) == (
        second,
        D("3000.00"),
        "cap_reached",
    )
    assert paid([first]) == D("10000.00")
