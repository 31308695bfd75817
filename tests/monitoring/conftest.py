"""Helpers for the monitoring tests: a Mianyang policy year (threshold 16500.00) and people with costs."""

import datetime as dt
from decimal import Decimal

import pytest

from claimants.models import Region


@pytest.fixture
def mianyang_2023(policy_year_factory):
    """Income 33000.00 × 50% = threshold 16500.00."""
    return policy_year_factory(jurisdiction="mianyang", year=2023, income_last_year=Decimal("33000.00"))


@pytest.fixture
def person_with_costs(claimant_factory, visit_factory):
    """A person whose visits leave the given out-of-pocket amounts (discharged on the given dates)."""

    def make(*amounts: str, discharged=dt.date(2023, 3, 15), hukou="510703001", insured=None, **visit):
        hukou_region = Region.objects.get(code=hukou)
        claimant = claimant_factory(
            hukou_region=hukou_region, insured_region=Region.objects.get(code=insured or hukou)
        )
        days = discharged if isinstance(discharged, list | tuple) else [discharged] * len(amounts)
        for amount, day in zip(amounts, days, strict=True):
            scope = Decimal(amount) + Decimal("1000.00")
            visit_factory(
                claimant=claimant,
                admitted=day - dt.timedelta(days=3),
                discharged=day,
                total_cost=scope,
                policy_scope_cost=scope,
                basic_insurance_paid=Decimal("1000.00"),
                critical_illness_paid=visit.get("critical_illness_paid"),
                visit_type=visit.get("visit_type", "inpatient"),
            )
        return claimant

    return make
