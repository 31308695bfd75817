"""The dashboards' headline, every panel in order, and the latest year with data."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from core.regions import region_lookup
from jurisdictions import registry
from monitoring.dashboards.models import (
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
    burden_panel,
    cap_panel,
    hospital_panel,
    settlement_panels,
)


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the dashboard: the scope's year in three numbers."""

    people: int  # people who received assistance in the year
    visits: int  # visits settled (settlements in force)
    paid: Decimal  # assistance paid, every tier


def headline(scope: Scope, panels: list[Panel]) -> Headline:
    """The headline of the dashboard whose ``panels`` are given: its settled visits and assistance paid are
    the totals of the category panel (read from the settlement roll-ups once)."""
    by_category = next(panel for panel in panels if panel.key == "paid_by_category")
    visits = sum(row[1] for row in by_category.rows)
    paid = sum((row[3] for row in by_category.rows), ZERO)
    return Headline(people=scope.people.assisted, visits=visits, paid=paid)


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
