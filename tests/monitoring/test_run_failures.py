"""One big amount never stops the monthly job, and a run that fails says so (issue: money and privacy safety)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import DomainError
from monitoring import services, tasks, totals
from monitoring.models import AlertRun, HighCostAlert
from settlements.errors import VisitError
from settlements.services import record_visit
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db
MARCH = dt.date(2023, 3, 1)


def test_an_amount_no_hospital_bill_can_reach_is_refused(mianyang_2023, claimant_factory, reviewer):
    values = {
        "visit_type": "inpatient",
        "admitted": dt.date(2023, 3, 1),
        "discharged": dt.date(2023, 3, 9),
        "referral": "referred",
        "policy_scope_cost": Decimal("8000.00"),
    }
    with pytest.raises(DomainError) as refused:
        record_visit(
            by=reviewer, claimant=claimant_factory(), total_cost=Decimal("999999999999.99"), **values
        )
    assert refused.value.code == VisitError.AMOUNT_TOO_LARGE
    assert "99,999,999.99" in refused.value.message
    kept = record_visit(by=reviewer, claimant=claimant_factory(), total_cost=Decimal("99999999.99"), **values)
    assert kept.total_cost == Decimal("99999999.99")


@pytest.mark.django_db(transaction=True)
def test_a_year_whose_sum_passes_a_visit_columns_width_is_pushed_with_its_amount(
    mianyang_2023, person_with_costs
):
    """Two stays of 900,000,000,000.00 each (as legacy data may hold): 1.8 × 10^12, wider than a visit's
    numeric(14, 2). The job's sums hold any year; before, the run stayed running 0/n with no error."""
    require_postgresql()
    person = person_with_costs("900000000000.00", "900000000000.00")
    run = services.run_monthly_alerts(period=MARCH)
    assert run.status == AlertRun.Status.FINISHED
    assert HighCostAlert.objects.filter(claimant=person).first().amount == Decimal("1800000000000.00")


def test_a_run_that_fails_ends_failed_with_its_error_on_the_page(
    client, mianyang_2023, person_with_costs, manager, monkeypatch
):
    person_with_costs("20000.00")

    def broken(**kwargs):
        raise ValueError("numeric field overflow")

    monkeypatch.setattr(services, "measure_run", broken)
    run = services.start_run(period=MARCH, trigger=AlertRun.Trigger.MANUAL, by=manager)
    tasks.run_monthly_alerts_task(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == AlertRun.Status.FAILED
    assert run.error == "ValueError: numeric field overflow"
    client.force_login(manager)
    assert "numeric field overflow" in client.get(reverse("monitoring:overview")).content.decode()


def test_a_county_that_fails_ends_the_run_failed(mianyang_2023, person_with_costs, monkeypatch):
    person_with_costs("20000.00")

    def broken(**kwargs):
        raise ArithmeticError()

    monkeypatch.setattr(services, "alert_county", broken)
    run = services.start_run(period=MARCH, trigger=AlertRun.Trigger.MANUAL)
    tasks.run_monthly_alerts_task(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == AlertRun.Status.FAILED
    assert run.error.endswith("ArithmeticError")


def test_supplementary_insurance_is_not_counted_as_the_persons_own_cost(mianyang_2023, person_with_costs):
    """Clarification 23: 公务员医疗补助 and 企业补充医疗保险 pay before assistance; what they paid is not the
    family's burden. 20,000.00 over basic insurance, 5,000.00 of it supplementary: 15,000.00 < 16,500.00."""
    from settlements.models import Visit

    covered = person_with_costs("20000.00")
    Visit.objects.filter(claimant=covered).update(supplementary_paid=Decimal("5000.00"))
    totals.rebuild()  # a bulk update bypasses the person-year totals
    alone = person_with_costs("20000.00")
    services.run_monthly_alerts(period=MARCH)
    assert set(HighCostAlert.objects.values_list("claimant_id", flat=True)) == {alone.pk}
