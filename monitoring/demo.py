"""Demo content for the monitoring pages: high costs for a few demo people in last month, and the alert
job run for last month, as the schedule would have (idempotent: a second seed changes nothing)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from claimants.models import Claimant
from monitoring import services, totals
from monitoring.models import AlertRun
from settlements.models import Hospital, PolicyYear, Visit


def demo_period() -> dt.date:
    return services.previous_period(timezone.localdate())


def seed() -> dict:
    period = demo_period()
    PolicyYear.objects.get_or_create(
        jurisdiction="mianyang",
        year=period.year,
        defaults={"effective_from": dt.date(period.year, 1, 1), "income_last_year": Decimal("33000.00")},
    )
    if AlertRun.objects.filter(period=period).exists():
        return {"alerts": 0}
    people = Claimant.objects.filter(hukou_region__code__startswith="5107").order_by("pk")[:40]
    hospitals = list(Hospital.objects.filter(region__code__startswith="5107").order_by("code")) or [None]
    visits = []
    for n, claimant in enumerate(people):
        scope = Decimal(12000 + 900 * n)
        visits.append(
            Visit(
                claimant=claimant,
                hospital=hospitals[n % len(hospitals)],
                visit_type="inpatient",
                admitted=period + dt.timedelta(days=1),
                discharged=period + dt.timedelta(days=9),
                year=period.year,
                referral="referred",
                total_cost=scope,
                policy_scope_cost=scope,
                basic_insurance_paid=(scope * Decimal("0.2")).quantize(Decimal("0.01")),
            )
        )
    Visit.objects.bulk_create(visits)  # no signals: their people's year totals are summed once after
    totals.recompute({(visit.claimant_id, visit.year) for visit in visits})
    run = services.run_monthly_alerts(period=period, trigger=AlertRun.Trigger.SCHEDULE)
    return {"alerts": run.pushed + run.reported}
