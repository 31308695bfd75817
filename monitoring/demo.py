"""Demo content for the monitoring pages: a Mianyang policy year, high costs for a few demo people, and the
alert job run for March 2023 (idempotent: a second seed changes nothing)."""

import datetime as dt
from decimal import Decimal

from claimants.models import Claimant
from monitoring import services
from monitoring.models import AlertRun
from settlements.models import Hospital, PolicyYear, Visit

PERIOD = dt.date(2023, 3, 1)


def seed() -> dict:
    PolicyYear.objects.get_or_create(
        jurisdiction="mianyang",
        year=2023,
        defaults={"effective_from": dt.date(2023, 1, 1), "income_last_year": Decimal("33000.00")},
    )
    if AlertRun.objects.filter(period=PERIOD).exists():
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
                admitted=dt.date(2023, 2, 1),
                discharged=dt.date(2023, 2, 10),
                year=2023,
                referral="referred",
                total_cost=scope,
                policy_scope_cost=scope,
                basic_insurance_paid=(scope * Decimal("0.2")).quantize(Decimal("0.01")),
            )
        )
    Visit.objects.bulk_create(visits)
    run = services.run_monthly_alerts(period=PERIOD)
    return {"alerts": run.pushed + run.reported}
