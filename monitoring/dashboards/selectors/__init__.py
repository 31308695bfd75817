"""The dashboards' aggregates, for one region subtree and one year, always inside the user's scope."""

from monitoring.dashboards.selectors.alerts import monitoring_panels
from monitoring.dashboards.selectors.applications import application_panels, step_medians
from monitoring.dashboards.selectors.base import Panel, Scope, category_label, region_choices
from monitoring.dashboards.selectors.overview import all_panels, headline, latest_year_with_data
from monitoring.dashboards.selectors.settlements import FUND_BUDGET, hospital_panel, hospitals_below_target

__all__ = [
    "FUND_BUDGET",
    "Panel",
    "Scope",
    "all_panels",
    "application_panels",
    "category_label",
    "headline",
    "hospital_panel",
    "hospitals_below_target",
    "latest_year_with_data",
    "monitoring_panels",
    "region_choices",
    "step_medians",
]
