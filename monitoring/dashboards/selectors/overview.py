"""The dashboards' headline, every panel in order, and the latest year with data."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Sum
from django.db.models.functions import Coalesce

from core.regions import region_lookup
from jurisdictions import registry
from monitoring.dashboards.models import (
    PersonYearRollup,
    SettlementRollup,
)
from monitoring.dashboards.selectors.alerts import monitoring_panels
from monitoring.dashboards.selectors.applications import application_panels
from monitoring.dashboards.selectors.base import (
    ZERO,
    Panel,
    Scope,
)
from monitoring.dashboards.selectors.settlements import (
    _settlement_rollups,
    burden_panel,
    cap_panel,
    hospital_panel,
    settlement_panels,
)
from settlements.money import MoneySum


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the dashboard: the scope's year in three numbers."""

    people: int  # people who received assistance in the year
    visits: int  # visits settled (settlements in force)
    paid: Decimal  # assistance paid, every tier


def headline(scope: Scope) -> Headline:
    settled = _settlement_rollups(scope).aggregate(
        visits=Coalesce(Sum("settlements"), 0), paid=MoneySum("assistance")
    )
    people = PersonYearRollup.objects.filter(
        year=scope.year, region__code__startswith=scope.region.code, assistance__gt=0
    ).count()
    return Headline(people=people, visits=settled["visits"], paid=settled["paid"] or ZERO)


def all_panels(scope: Scope, *, today: dt.date, now: dt.datetime | None = None) -> list[Panel]:
    panels = [*settlement_panels(scope), cap_panel(scope), burden_panel(scope)]
    panels += application_panels(scope, today)
    panels += monitoring_panels(scope, now)
    if "hospitals" in registry.get(scope.region.jurisdiction).extra_panels:
        panels.append(hospital_panel(scope))
    return panels


def latest_year_with_data(region_code: str, *, until: int) -> int:
    """The year a dashboard opens on: the latest up to ``until`` with settlements in the region's subtree, so a
    manager does not land on an empty January; ``until`` itself when there are none."""
    latest = SettlementRollup.objects.filter(
        **region_lookup("region", region_code), year__lte=until
    ).aggregate(latest=Max("year"))["latest"]
    return latest or until
