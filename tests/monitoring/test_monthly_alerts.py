"""The monthly job: who is over the threshold, how each hit is classified and routed, and idempotency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F, ProtectedError, Sum

from claimants.models import Certification
from core.roles import Department
from monitoring import services, totals
from monitoring.dashboards.models import AlertRollup
from monitoring.models import AlertRun, AmountBasis, HighCostAlert, MonitoringRule, PendingHit, PushBatch
from monitoring.services import alerts
from settlements.services import reverse_settlement, settle_visit, settle_visits

pytestmark = pytest.mark.django_db

MARCH = dt.date(2023, 3, 1)
APRIL = dt.date(2023, 4, 1)


def run(period=MARCH):
    return services.run_monthly_alerts(period=period)


def alerts_of(claimant):
    return HighCostAlert.objects.filter(claimant=claimant)


def test_total_exactly_at_threshold_is_not_an_alert_one_cent_above_is(mianyang_2023, person_with_costs):
    # 「超过…50%」: strictly above. 10000.00 + 6500.00 = 16500.00 is at, not over, the threshold.
    at = person_with_costs("10000.00", "6500.00")
    above = person_with_costs("10000.00", "6500.01")
    result = run()
    assert not alerts_of(at).exists()
    pushed = alerts_of(above).order_by("department")
    assert [a.department for a in pushed] == [Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION]
    assert {(a.amount, a.threshold, a.period) for a in pushed} == {
        (Decimal("16500.01"), Decimal("16500.00"), MARCH)
    }
    assert (result.status, result.hits, result.pushed) == (AlertRun.Status.FINISHED, 1, 2)


def test_critical_illness_paid_is_deducted_and_null_counts_as_zero(mianyang_2023, person_with_costs):
    deducted = person_with_costs("17000.00", critical_illness_paid=Decimal("600.00"))
    null_ci = person_with_costs("17000.00", critical_illness_paid=None)
    run()
    assert not alerts_of(deducted).exists()
    assert alerts_of(null_ci).first().amount == Decimal("17000.00")


def test_every_visit_type_of_the_rule_counts(mianyang_2023, person_with_costs):
    outpatient = person_with_costs("9000.00", visit_type="outpatient_general")
    for visit_type in ("outpatient_chronic_special", "inpatient"):
        person_with_costs("1.00")  # noise
        outpatient.visits.create(
            visit_type=visit_type,
            admitted=dt.date(2023, 2, 1),
            discharged=dt.date(2023, 2, 2),
            referral="referred",
            total_cost=Decimal("5000.00"),
            policy_scope_cost=Decimal("5000.00"),
        )
    run()
    assert alerts_of(outpatient).first().amount == Decimal("19000.00")


def test_visits_of_the_previous_year_and_after_the_cutoff_do_not_count(mianyang_2023, person_with_costs):
    claimant = person_with_costs(
        "9000.00",
        "9000.00",
        "9000.00",
        discharged=[dt.date(2022, 12, 31), dt.date(2023, 3, 31), dt.date(2023, 4, 1)],
    )
    run(MARCH)
    assert not alerts_of(claimant).exists()  # only 9000.00 falls in 2023 up to 31 March
    run(APRIL)
    assert alerts_of(claimant).filter(period=APRIL).first().amount == Decimal("18000.00")


def test_january_run_covers_the_whole_previous_year(mianyang_2023, person_with_costs):
    claimant = person_with_costs(
        "9000.00", "9000.00", discharged=[dt.date(2023, 1, 5), dt.date(2023, 12, 31)]
    )
    assert services.previous_period(dt.date(2024, 1, 1)) == dt.date(2023, 12, 1)
    run(dt.date(2023, 12, 1))
    assert alerts_of(claimant).first().amount == Decimal("18000.00")


def test_alert_goes_to_the_hukou_county_and_records_the_insured_region(mianyang_2023, person_with_costs):
    claimant = person_with_costs("20000.00", hukou="510704001", insured="510703001")
    run()
    alert = alerts_of(claimant).first()
    assert (alert.county_id, alert.hukou_region_id, alert.insured_region_id) == (
        "510704",
        "510704001",
        "510703001",
    )
    assert PushBatch.objects.filter(period=MARCH, region_id="510704").exists()


def test_kind_follows_the_category_held_at_the_cutoff(
    mianyang_2023, person_with_costs, certification_factory
):
    new_poor = person_with_costs("20000.00")
    monitored = person_with_costs("20000.00")
    certification_factory(claimant=monitored, category="monitored_rural")
    left = person_with_costs("20000.00")
    certification_factory(claimant=left, category="dibao", valid_to=dt.date(2023, 2, 28))
    revoked = person_with_costs("20000.00")
    certification_factory(claimant=revoked, category="dibao", status=Certification.Status.REVOKED)
    assisted = person_with_costs("20000.00")
    certification_factory(claimant=assisted, category="dibao")
    certification_factory(claimant=assisted, category="monitored_rural")
    later = person_with_costs("20000.00")
    certification_factory(claimant=later, category="dibao", valid_from=dt.date(2023, 4, 1))
    run()

    def kinds(claimant):
        return set(alerts_of(claimant).values_list("kind", "disposition", "department", "category_held"))

    pushed = HighCostAlert.Disposition.PUSHED
    both = (Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION)
    assert kinds(new_poor) == {("impoverished", pushed, d, "") for d in both}
    assert kinds(monitored) == {("returned", pushed, d, "monitored_rural") for d in both}
    assert kinds(left) == {("returned", pushed, d, "") for d in both}
    assert kinds(revoked) == {("returned", pushed, d, "") for d in both}
    assert kinds(assisted) == {("assisted", pushed, d, "dibao") for d in both} | {
        ("assisted", "reported", Department.MEDICAL_SECURITY, "dibao")
    }
    assert kinds(later) == {("impoverished", pushed, d, "") for d in both}


def test_people_without_any_category_are_read_too(mianyang_2023, person_with_costs):
    claimants = [person_with_costs("20000.00") for _ in range(3)]
    run()
    assert HighCostAlert.objects.filter(claimant__in=claimants).count() == 6


def test_running_the_month_twice_pushes_nobody_twice(mianyang_2023, person_with_costs):
    person_with_costs("20000.00")
    person_with_costs("30000.00")
    first = run()
    second = run()
    assert HighCostAlert.objects.count() == 4
    assert (first.pushed, second.pushed, second.status) == (4, 0, AlertRun.Status.FINISHED)
    # One batch, of the one county with people over the threshold; every county of the run is done once.
    assert list(PushBatch.objects.filter(period=MARCH).values_list("region_id", flat=True)) == ["510703"]
    assert (second.regions_done, second.regions_total) == (len(services.counties_to_run(period=MARCH)),) * 2


def test_a_second_run_of_the_month_pushes_the_people_whose_records_came_since(
    mianyang_2023, person_with_costs
):
    """Platform records that arrive after the month's push (a late file, a person not yet known): running the
    month again pushes those people, into the county's batch, and nobody already pushed a second time."""
    early = person_with_costs("20000.00")
    first = run()
    late = person_with_costs("30000.00")
    second = run()
    assert (second.hits, second.pushed, second.carried_over) == (2, 2, 0)
    assert alerts_of(early).count() == alerts_of(late).count() == 2
    batch = PushBatch.objects.get(period=MARCH)
    assert set(batch.alerts.values_list("claimant_id", flat=True)) == {early.pk, late.pk}
    assert batch.run == first  # the hand-over keeps its first run; the late alerts carry their own push time
    late_pushed_at = set(alerts_of(late).values_list("created_at", flat=True))
    assert len(late_pushed_at) == 1
    assert late_pushed_at.isdisjoint(alerts_of(early).values_list("created_at", flat=True))
    # The dashboards count each alert once, the late ones at their own push time.
    assert AlertRollup.objects.aggregate(pushed=Sum("pushed"))["pushed"] == 4
    third = run()
    assert (third.hits, third.pushed, HighCostAlert.objects.count()) == (2, 0, 4)


def test_unanswered_earlier_push_is_carried_over_not_pushed_again(
    mianyang_2023, person_with_costs, civil_officer
):
    claimant = person_with_costs("20000.00")
    run(MARCH)
    march_civil = alerts_of(claimant).get(department=Department.CIVIL_AFFAIRS)
    services.record_feedback(
        alert=march_civil, by=civil_officer, result="not_eligible", reason="家庭收入超标"
    )
    april = run(APRIL)
    rows = dict(alerts_of(claimant).filter(period=APRIL).values_list("department", "disposition"))
    # Civil affairs answered, so April is a fresh push there; rural revitalization has not: carried over.
    assert rows == {
        Department.CIVIL_AFFAIRS: HighCostAlert.Disposition.PUSHED,
        Department.RURAL_REVITALIZATION: HighCostAlert.Disposition.CARRIED_OVER,
    }
    carried = alerts_of(claimant).get(period=APRIL, department=Department.RURAL_REVITALIZATION)
    assert carried.carried_from == alerts_of(claimant).get(
        period=MARCH, department=Department.RURAL_REVITALIZATION
    )
    assert (april.pushed, april.carried_over) == (1, 1)


def test_worker_dying_half_way_leaves_no_half_county_and_the_retry_completes(
    mianyang_2023, person_with_costs, monkeypatch
):
    for hukou in ("510703001", "510704001", "510722101", "510781101"):
        person_with_costs("20000.00", hukou=hukou)
    counties = services.counties_to_run(period=MARCH)
    crashed = services.start_run(period=MARCH, trigger=AlertRun.Trigger.SCHEDULE)
    services.measure_run(run=crashed)
    half = counties[: len(counties) // 2]
    for county in half:
        services.alert_county(run=crashed, county=county)

    real_insert = alerts._insert_alerts

    def insert_then_die(**kwargs):
        real_insert(**kwargs)
        raise ConnectionError("worker lost")

    monkeypatch.setattr(alerts, "_insert_alerts", insert_then_die)
    with pytest.raises(ConnectionError):
        services.alert_county(run=crashed, county="510781")
    assert not HighCostAlert.objects.filter(county_id="510781").exists()
    assert not PushBatch.objects.filter(region_id="510781").exists()
    monkeypatch.undo()

    for county in counties:  # the retry of every county task
        services.alert_county(run=crashed, county=county)
    assert HighCostAlert.objects.count() == 8
    assert HighCostAlert.objects.values("claimant", "department").distinct().count() == 8
    crashed.refresh_from_db()
    assert crashed.status == AlertRun.Status.FINISHED


def test_job_queries_do_not_grow_with_people(mianyang_2023, person_with_costs, django_assert_max_num_queries):
    for _ in range(30):
        person_with_costs("20000.00")
    counties = len(services.counties_to_run(period=MARCH))
    # Once: the run and the one aggregate over the visits (with two plan settings on PostgreSQL). Per county: region, policy year, batch get/create,
    # one INSERT … SELECT of its alerts, one of their dashboard roll-up, their count, batch save, delete of the
    # pending hits, two counter updates (and savepoints): a constant, whatever the number of people.
    with django_assert_max_num_queries(18 + counties * 15):
        run()
    assert HighCostAlert.objects.count() == 60


def test_month_not_yet_ended_is_refused(mianyang_2023):
    with pytest.raises(services.DomainError) as excinfo:
        services.start_run(period=dt.date(2023, 3, 1), trigger="manual", today=dt.date(2023, 3, 31))
    assert excinfo.value.code == services.MonitoringError.PERIOD_IN_FUTURE


def test_one_pass_finds_the_hits_and_each_county_turns_its_own_into_alerts(mianyang_2023, person_with_costs):
    fucheng = person_with_costs("20000.00", hukou="510703001")
    jiangyou = person_with_costs("20000.00", hukou="510781101")
    person_with_costs("100.00")
    run = services.start_run(period=MARCH, trigger=AlertRun.Trigger.MANUAL)
    assert services.measure_run(run=run) == 2
    assert services.measure_run(run=run) == 2  # repeated: the run's earlier hits are replaced, not doubled
    pending = PendingHit.objects.filter(run=run)
    assert set(pending.values_list("claimant_id", "county_id", "amount")) == {
        (fucheng.pk, "510703", Decimal("20000.00")),
        (jiangyou.pk, "510781", Decimal("20000.00")),
    }
    services.alert_county(run=run, county="510703")
    assert set(pending.values_list("claimant_id", flat=True)) == {jiangyou.pk}
    assert set(HighCostAlert.objects.values_list("claimant_id", flat=True)) == {fucheng.pk}
    run.refresh_from_db()
    assert (run.hits, run.pushed, run.regions_done) == (1, 2, 1)


def test_all_personal_basis_adds_the_fully_self_paid_part(mianyang_2023, person_with_costs):
    MonitoringRule.objects.create(jurisdiction="mianyang", amount_basis=AmountBasis.ALL_PERSONAL)
    claimant = person_with_costs("16000.00")
    claimant.visits.update(fully_self_paid=Decimal("500.01"), total_cost=F("total_cost") + Decimal("500.01"))
    totals.rebuild()  # a bulk update bypasses the person-year totals
    run()
    assert alerts_of(claimant).first().amount == Decimal("16500.01")


def test_a_person_with_alerts_cannot_be_deleted(mianyang_2023, person_with_costs):
    claimant = person_with_costs("20000.00")
    run()
    with pytest.raises(ProtectedError):
        claimant.delete()


def test_the_critical_illness_tier_a_settlement_computed_is_deducted_until_it_is_reversed(
    mianyang_2023, person_with_costs, certification_factory, reviewer
):
    """Clarification 26: 大病保险 is the given amount or, for a settled visit, the settlement's 大病 tier. Scope
    21000.00, basic 1000.00: an ordinary person's 大病 is (20000.00 − 16500.00) × 60% = 2100.00, so she paid
    17900.00; a dibao person's tilted 大病 is (20000.00 − 8250.00) × 65% = 7637.50, leaving 12362.50, below
    the 16500.00 threshold."""
    ordinary = person_with_costs("20000.00")
    dibao = person_with_costs("20000.00")
    certification_factory(claimant=dibao, category="dibao")
    settlements = [
        settle_visit(visit=person.visits.get(), by=reviewer, settled_on=dt.date(2023, 3, 20))
        for person in (ordinary, dibao)
    ]
    assert [s.critical_illness_insurance for s in settlements] == [Decimal("2100.00"), Decimal("7637.50")]
    run(MARCH)
    assert set(alerts_of(ordinary).values_list("amount", flat=True)) == {Decimal("17900.00")}
    assert not alerts_of(dibao).exists()

    reverse_settlement(settlement=settlements[0], by=reviewer, reason="结算有误")
    run(APRIL)
    assert set(alerts_of(ordinary).filter(period=APRIL).values_list("amount", flat=True)) == {
        Decimal("20000.00")
    }


def test_everyone_over_the_threshold_is_pushed_with_the_categories_they_hold(
    mianyang_2023, person_with_costs, certification_factory
):
    """Clarification 26: a marginal member over the threshold goes to civil affairs too, who may raise her to
    dibao; her entry shows the category held (already certified)."""
    marginal = person_with_costs("40000.00")
    certification_factory(claimant=marginal, category="marginal")
    run()
    rows = set(alerts_of(marginal).values_list("department", "disposition", "category_held", "kind"))
    assert rows == {
        (Department.CIVIL_AFFAIRS, "pushed", "marginal", "assisted"),
        (Department.RURAL_REVITALIZATION, "pushed", "marginal", "assisted"),
        (Department.MEDICAL_SECURITY, "reported", "marginal", "assisted"),
    }
    assert all(alert.already_certified for alert in alerts_of(marginal))


def test_an_entry_is_new_this_month_only_when_the_person_was_not_on_the_previous_months_list(
    mianyang_2023, person_with_costs, civil_officer
):
    early = person_with_costs("20000.00", discharged=dt.date(2023, 2, 10))
    late = person_with_costs("20000.00", discharged=dt.date(2023, 3, 10))
    run(dt.date(2023, 2, 1))
    run(MARCH)
    march = HighCostAlert.objects.filter(period=MARCH)
    assert set(march.filter(claimant=early).values_list("new_this_month", flat=True)) == {False}
    assert set(march.filter(claimant=late).values_list("new_this_month", flat=True)) == {True}
    assert set(
        HighCostAlert.objects.filter(period=dt.date(2023, 2, 1)).values_list("new_this_month", flat=True)
    ) == {True}


def test_a_batch_settlement_keeps_the_computed_critical_illness_for_the_job_too(
    mianyang_2023, person_with_costs, reviewer
):
    people = [
        person_with_costs("20000.00"),
        person_with_costs("21000.00"),
        person_with_costs("20000.00", critical_illness_paid=Decimal("0")),
    ]
    outcome = settle_visits(visits=[p.visits.get() for p in people], by=reviewer)
    assert not outcome.refusals
    assert [p.visits.get().critical_illness_settled for p in people] == [
        Decimal("2100.00"),
        Decimal("2700.00"),
        None,
    ]
    run(MARCH)
    assert [alerts_of(p).first().amount for p in people] == [
        Decimal("17900.00"),
        Decimal("18300.00"),
        Decimal("20000.00"),
    ]
