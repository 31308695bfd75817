"""Demo data of the settlements app, dated from today so that the demo is never in the past: policy years
of the current year and the two before for the four demo cities, hospitals, a few hundred visits of the demo
claimants discharged over last year and this year up to last week, most of them settled through the
service, some awaiting settlement, one reversal. Values the seeds do not give are assumptions, recorded as
such in each policy year's history.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from claimants.demo import CITIES, demo_township
from claimants.models import Claimant, Region, User
from jurisdictions import registry
from settlements import adapter, services
from settlements.models import Hospital, PolicyYear, Visit

ASSUMED = "演示数据：假设值，非正式公布数"
D = Decimal


def demo_years(today: dt.date | None = None) -> range:
    """The current year and the two before it."""
    year = (today or timezone.localdate()).year
    return range(year - 2, year + 1)


HOSPITALS = {
    "5107": (
        ("绵阳市中心医院", "3"),
        ("绵阳市第三人民医院", "3"),
        ("涪城区人民医院", "2"),
        ("城厢街道卫生院", "1"),
    ),
    "11": (("北京协和医院", "3"), ("北京大学第一医院", "3"), ("东城区第一人民医院", "2")),
    "12": (("天津医科大学总医院", "3"), ("天津市第一中心医院", "3"), ("和平区中医医院", "2")),
    "3301": (("浙江大学医学院附属第一医院", "3"), ("杭州市第一人民医院", "3"), ("上城区人民医院", "2")),
}
VISIT_TYPES = ("inpatient", "inpatient", "inpatient", "outpatient_chronic_special", "outpatient_general")


def demo_policy_values() -> dict[str, dict]:
    """Jurisdiction -> the values of every demo year, as each package declares them (assumed values; the
    policy year's change reason says so). A jurisdiction without demo values gets no demo policy year."""
    return {
        code: dict(jurisdiction.demo_parameters)
        for code, jurisdiction in registry.installed().items()
        if jurisdiction.demo_parameters
    }


def create_policy_years() -> int:
    created = 0
    for jurisdiction, year, values in (
        (jurisdiction, year, values)
        for year in demo_years()
        for jurisdiction, values in demo_policy_values().items()
    ):
        if PolicyYear.objects.filter(jurisdiction=jurisdiction, year=year).exists():
            continue
        policy_year = adapter.assign_values(
            PolicyYear(jurisdiction=jurisdiction, year=year, effective_from=dt.date(year, 1, 1)), values
        )
        services.save_policy_year(policy_year=policy_year, by=None, reason=ASSUMED)
        created += 1
    return created


def create_hospitals() -> dict[str, list[Hospital]]:
    hospitals: dict[str, list[Hospital]] = {}
    for city_code, entries in HOSPITALS.items():
        county = demo_township(city_code).parent
        hospitals[city_code] = [
            Hospital.objects.get_or_create(
                code=f"H{county.code}{index:03d}",
                defaults={"name": name, "level": level, "region": county, "in_province": True},
            )[0]
            for index, (name, level) in enumerate(entries, start=1)
        ]
    return hospitals


def create_visits(*, hospitals, per_city: int = 60, seed: int = 2023) -> dict:
    rng = random.Random(seed)
    reviewers = {
        code: User.objects.filter(username=f"{prefix}_reviewer").first() for prefix, code in CITIES.items()
    }
    visits = settled = 0
    reversal = None
    today = timezone.localdate()
    first_day = dt.date(today.year - 1, 1, 1)
    days = (today - dt.timedelta(days=7) - first_day).days  # last year and this year up to last week
    for city_code, city_hospitals in hospitals.items():
        claimants = list(
            Claimant.objects.filter(hukou_region__code__startswith=city_code).order_by("pk")[: per_city * 2]
        )
        rng.shuffle(claimants)
        reviewer = reviewers[city_code]
        recorded = []
        for claimant in claimants[:per_city]:
            for _ in range(rng.choice((1, 1, 2, 3))):
                discharged = first_day + dt.timedelta(days=rng.randint(0, days))
                admitted = discharged - dt.timedelta(days=rng.randint(0, 20))
                scope = D(rng.randint(800, 60000)).quantize(D("0.01"))
                recorded.append(
                    services.record_visit(
                        by=None,
                        claimant=claimant,
                        hospital=rng.choice(city_hospitals),
                        visit_type=rng.choice(VISIT_TYPES),
                        admitted=admitted,
                        discharged=discharged,
                        referral=rng.choice(("referred", "referred", "not_required", "unreferred")),
                        total_cost=scope + D(rng.randint(0, 3000)),
                        policy_scope_cost=scope,
                        basic_insurance_paid=(scope * D(rng.choice(("0.50", "0.60", "0.70")))).quantize(
                            D("0.01")
                        ),
                        fully_self_paid=D(rng.randint(0, 3000)),
                    )
                )
        visits += len(recorded)
        recorded.sort(key=lambda visit: (visit.discharged, visit.pk))
        # Most visits are settled in discharge order; the last tenth of the year awaits settlement.
        for visit in recorded[: int(len(recorded) * 0.85)]:
            settlement = services.settle_visit(visit=visit, by=reviewer)
            settled += 1
            if reversal is None and city_code == "5107" and settlement.assistance > 0:
                reversal = services.reverse_settlement(
                    settlement=settlement, by=reviewer, reason="医院退费后重新结算（演示）"
                )
    return {"visits": visits, "settled": settled, "reversed": 1 if reversal else 0}


@transaction.atomic
def seed() -> dict:
    """Idempotent: policy years and hospitals are kept; visits are created only when there are none."""
    if not Region.objects.filter(code="5107").exists():
        return {"policy_years": 0, "visits": 0, "settled": 0, "reversed": 0}
    result = {"policy_years": create_policy_years()}
    hospitals = create_hospitals()
    if Visit.objects.exists():
        return result | {"visits": 0, "settled": 0, "reversed": 0}
    return result | create_visits(hospitals=hospitals)
