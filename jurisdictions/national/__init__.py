"""The national guideline (国办发〔2021〕42号): the rules of every region no city package governs."""

from typing import TYPE_CHECKING

from jurisdictions.national import policy
from jurisdictions.national.parameters import NationalParameters
from jurisdictions.spec import (
    CIVIL_AFFAIRS,
    RURAL_REVITALIZATION,
    Jurisdiction,
    ScenarioParameters,
    gettext_noop,
)

if TYPE_CHECKING:
    from settlements.policy.rules import PolicyModule

JURISDICTION = Jurisdiction(
    code="national",
    name=gettext_noop("国家指导意见"),
    policy=policy,
    parameters=NationalParameters,
    other_special=True,
    alert_departments=(CIVIL_AFFAIRS, RURAL_REVITALIZATION),
    scenario=ScenarioParameters(
        required=("income_last_year", "assistance_annual_cap"), rates=("ratios", "deductible_rates")
    ),
)

if TYPE_CHECKING:  # mypy checks the module against what the engine and the registry call
    _POLICY: PolicyModule = policy
