"""Throughput of the pure policy engine: synthetic visits settled one by one on one core.

``python -m bench engine [--scale small|full]``: small = 20,000 visits, full = 200,000. Inputs are
generated first from a seeded random source (several jurisdictions, categories, visit types and realistic
amounts); only ``assess_visit`` calls, chained on each person's ledger as the database would, are timed.
``visits_per_second`` divides by the CPU time of this single-threaded process, so other work on a busy
machine does not distort it; the wall-clock time is reported beside it.
"""

import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from jurisdictions import registry
from settlements.policy.engine import assess_visit
from settlements.policy.types import Certification, Ledger, Parameters, Segment, Visit

USES_DATABASE = False
SCALES = {"small": 20_000, "full": 200_000}
YEAR = 2023
VISITS_PER_PERSON = 8

PARAMETERS = {
    "mianyang": Parameters(
        income_last_year=Decimal("33000.00"),
        assistance_annual_cap=Decimal("50000.00"),
        tilt_threshold=Decimal("7000.00"),
        tilt_annual_cap=Decimal("30000.00"),
    ),
    "beijing": Parameters(
        critical_illness_threshold=Decimal("40000.00"),
        critical_illness_segments=(
            Segment(Decimal("50000.00"), Decimal("0.60")),
            Segment(None, Decimal("0.70")),
        ),
    ),
    "tianjin": Parameters(income_last_year=Decimal("48976.00")),
    "national": Parameters(
        income_last_year=Decimal("40000.00"),
        assistance_annual_cap=Decimal("60000.00"),
        # Every category the package ranks needs a ratio (illness_impoverished: its deductible rate is built in).
        ratios=(
            ("marginal", Decimal("0.60")),
            ("monitored_rural", Decimal("0.65")),
            ("illness_impoverished", Decimal("0.50")),
        ),
        deductible_rates=(("monitored_rural", Decimal("0.05")),),
    ),
}
# Each jurisdiction's categories as its package ranks them (other_special is settled as another category).
CATEGORIES = {code: list(registry.get(code).policy.RANK) for code in PARAMETERS}
VISIT_TYPES = ["inpatient", "inpatient", "outpatient_chronic_special", "outpatient_general"]
REFERRALS = ["referred", "referred", "not_required", "unreferred"]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    cents = rng.randint(low * 100, high * 100)
    return Decimal(f"{cents // 100}.{cents % 100:02d}")


def _person(rng: random.Random, index: int) -> tuple[str, tuple[Certification, ...], list[Visit]]:
    jurisdiction = rng.choice(list(PARAMETERS))
    categories = rng.sample(CATEGORIES[jurisdiction], k=rng.choice((1, 1, 2)))
    certifications = tuple(
        Certification(category, date(2020, 1, 1) + timedelta(days=rng.randint(0, 1400)), None)
        for category in categories
    )
    visits = []
    for number in range(VISITS_PER_PERSON):
        kind = rng.choice(VISIT_TYPES)
        discharged = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 364))
        stay = rng.randint(2, 20) if kind == "inpatient" else 0
        admitted = max(date(YEAR, 1, 1), discharged - timedelta(days=stay))
        cost = _money(rng, 3000, 120_000) if kind == "inpatient" else _money(rng, 50, 4000)
        basic = (cost * Decimal(rng.choice(("0.50", "0.60", "0.70")))).quantize(Decimal("0.01"))
        visits.append(
            Visit(
                id=f"P{index}-V{number}",
                type=kind,
                admitted=admitted,
                discharged=discharged,
                referral=rng.choice(REFERRALS),
                policy_scope_cost=cost,
                basic_insurance_paid=basic,
                in_province=rng.random() > 0.05,
                in_city=rng.random() > 0.05,
                offsite_filed=rng.random() > 0.5,
            )
        )
    visits.sort(key=lambda visit: visit.discharged)
    return jurisdiction, certifications, visits


def run(scale: str) -> dict:
    """Settle ``SCALES[scale]`` synthetic visits and report visits per second."""
    total = SCALES[scale]
    rng = random.Random(20231)
    people = [_person(rng, index) for index in range(total // VISITS_PER_PERSON)]
    print(f"bench engine: {len(people)} people, {total} visits generated", file=sys.stderr)
    settled = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for jurisdiction, certifications, visits in people:
        parameters = PARAMETERS[jurisdiction]
        ledger = Ledger()
        for visit in visits:
            ledger = assess_visit(
                jurisdiction=jurisdiction,
                year=YEAR,
                parameters=parameters,
                certifications=certifications,
                ledger=ledger,
                visit=visit,
            ).ledger
        settled += len(visits)
        if settled % 50_000 == 0:
            print(f"bench engine: {settled}/{total} visits", file=sys.stderr)
    cpu_seconds = time.process_time() - cpu_started
    seconds = time.perf_counter() - started
    return {
        "visits_per_second": round(settled / cpu_seconds),
        "visits": settled,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
    }
