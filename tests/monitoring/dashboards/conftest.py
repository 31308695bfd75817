"""Settled visits, applications and alerts built through the services, as staff would create them."""

import datetime as dt
from decimal import Decimal

import pytest

from claimants.models import Region
from monitoring.dashboards import casework
from monitoring.models import HighCostAlert
from settlements import services


@pytest.fixture
def mianyang_2023(policy_year_factory):
    return policy_year_factory(jurisdiction="mianyang", year=2023)


@pytest.fixture
def other_county_township(regions) -> Region:
    """A Mianyang township outside 涪城区 (510703)."""
    return (
        Region.objects.filter(code__startswith="5107", level=Region.Level.TOWNSHIP)
        .exclude(code__startswith="510703")
        .order_by("code")
        .first()
    )


@pytest.fixture
def settle(mianyang_2023, reviewer, claimant_factory, certification_factory, visit_factory):
    """settle(category, discharged, **visit fields) -> Settlement of a new (or given) certified claimant."""

    def make(category="dibao", discharged=dt.date(2023, 3, 22), claimant=None, **visit_fields):
        if claimant is None:
            claimant = claimant_factory(**visit_fields.pop("claimant_fields", {}))
            certification_factory(claimant=claimant, category=category, valid_from=dt.date(2020, 1, 1))
        visit = visit_factory(
            claimant=claimant,
            admitted=discharged - dt.timedelta(days=5),
            discharged=discharged,
            **visit_fields,
        )
        return services.settle_visit(visit=visit, by=reviewer)

    return make


@pytest.fixture
def alert(claimant_factory):
    """alert(department, period, result="", created_at=None) -> a pushed HighCostAlert."""

    def make(department="civil_affairs", period=dt.date(2023, 3, 1), result="", claimant=None, **fields):
        claimant = claimant or claimant_factory()
        answered = {"answered_at": dt.datetime(2023, 4, 20, tzinfo=dt.UTC)} if result else {}
        row = HighCostAlert.objects.create(
            claimant=claimant,
            period=period,
            department=department,
            county_id=claimant.hukou_region_id[:6],
            hukou_region_id=claimant.hukou_region_id,
            insured_region_id=claimant.insured_region_id,
            amount=Decimal("20000.00"),
            threshold=Decimal("16500.00"),
            kind=HighCostAlert.Kind.IMPOVERISHED,
            disposition=fields.pop("disposition", HighCostAlert.Disposition.PUSHED),
            result=result,
            **answered,
            **fields,
        )
        # Pushed by the run of the following month (the 1st at 02:00), written in bulk as a restore would be,
        # so the roll-ups are rebuilt after it.
        pushed_at = dt.datetime.combine((period + dt.timedelta(days=32)).replace(day=1), dt.time(2), dt.UTC)
        HighCostAlert.objects.filter(pk=row.pk).update(created_at=pushed_at)
        casework.rebuild()
        return row

    return make
