"""Fixtures of the finance tests: two finance officers (maker and checker), a manager, a Mianyang hospital,
and settlements of certified Mianyang claimants in 2023 with the assistance the hospital advanced."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from finance import services
from settlements import services as settlement_services
from settlements.models import Visit


@pytest.fixture
def maker(make_staff):
    return make_staff(Role.FINANCE_OFFICER, "5107", username="maker")


@pytest.fixture
def checker(make_staff):
    return make_staff(Role.FINANCE_OFFICER, "5107", username="checker")


@pytest.fixture
def approver(make_staff):
    return make_staff(Role.MANAGER, "5107", username="approver")


@pytest.fixture
def hospital(hospital_factory):
    return hospital_factory(code="H510703001", name="涪城区人民医院")


@pytest.fixture
def settle(policy_year_factory, certification_factory, claimant_factory, hospital, reviewer):
    """settle(discharged, scope, advanced=None, at=None): a dibao claimant's inpatient visit settled one-stop
    at the hospital; ``advanced`` (maf_pay) defaults to the assistance computed."""
    policy_year_factory(jurisdiction="mianyang", year=2023)

    def make(discharged: dt.date, scope: str = "20000.00", advanced: str | None = None, at=None):
        claimant = claimant_factory()
        certification_factory(claimant=claimant, category="dibao", valid_from=dt.date(2020, 1, 1))
        values = {
            "claimant": claimant,
            "hospital": at or hospital,
            "visit_type": "inpatient",
            "admitted": discharged - dt.timedelta(days=5),
            "discharged": discharged,
            "referral": "referred",
            "total_cost": Decimal(scope) + Decimal("1000.00"),
            "policy_scope_cost": Decimal(scope),
            "basic_insurance_paid": (Decimal(scope) * Decimal("0.6")).quantize(Decimal("0.01")),
        }
        if advanced is None:  # the hospital advanced exactly what was computed
            preview = settlement_services.preview_settlement(visit=Visit(year=discharged.year, **values))
            advanced = str(preview.result.assistance)
        visit = settlement_services.record_visit(
            by=None, assistance_paid_at_hospital=Decimal(advanced), **values
        )
        return settlement_services.settle_visit(visit=visit, by=reviewer)

    return make


@pytest.fixture
def budget(approver):
    """A Mianyang medical-assistance budget of 1,000,000.00 for this year."""
    return services.set_budget(
        fund="medical_assistance",
        region="5107",
        year=timezone.localdate().year,
        amount=Decimal("1000000.00"),
        by=approver,
    )
