"""The national guideline (国办发〔2021〕42号): the rules of every region no city package governs."""

from decimal import Decimal
from typing import TYPE_CHECKING

from jurisdictions.national import policy
from jurisdictions.national.parameters import NationalParameters
from jurisdictions.spec import (
    CIVIL_AFFAIRS,
    RURAL_REVITALIZATION,
    Jurisdiction,
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
    # The demo's national-guideline city is Hangzhou (3301): its residents' disposable income per head of
    # 2023 as the last year's income; the annual cap, the local ratios and deductible rate and the reading of
    # 其他特殊困难人员 are assumed.
    demo_parameters={
        "income_last_year": Decimal("73797.00"),
        "assistance_annual_cap": Decimal("50000.00"),
        "ratios": {"monitored_rural": "0.60", "marginal": "0.60", "illness_impoverished": "0.50"},
        "deductible_rates": {"monitored_rural": "0.10"},
        "other_special_as": "dibao",
    },
)

if TYPE_CHECKING:  # mypy checks the module against what the engine and the registry call
    _POLICY: PolicyModule = policy
