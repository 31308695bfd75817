"""Mianyang (绵阳市), 绵办规〔2022〕6号: regular assistance plus 倾斜救助."""

from decimal import Decimal
from typing import TYPE_CHECKING

from jurisdictions.mianyang import policy
from jurisdictions.mianyang.parameters import MianyangParameters
from jurisdictions.spec import (
    CIVIL_AFFAIRS,
    RURAL_REVITALIZATION,
    Jurisdiction,
    gettext_noop,
)

if TYPE_CHECKING:
    from settlements.policy.rules import PolicyModule

JURISDICTION = Jurisdiction(
    code="mianyang",
    name=gettext_noop("绵阳市"),
    policy=policy,
    parameters=MianyangParameters,
    region_roots=("5107",),
    other_special=True,
    alert_departments=(CIVIL_AFFAIRS, RURAL_REVITALIZATION),
    # RULES L-MY1, L-MY3: assumed; 其他特殊困难人员 settled as dibao (assumed local mapping).
    demo_parameters={
        "income_last_year": Decimal("33000.00"),
        "assistance_annual_cap": Decimal("50000.00"),
        "tilt_threshold": Decimal("7000.00"),
        "tilt_annual_cap": Decimal("30000.00"),
        "other_special_as": "dibao",
    },
)

if TYPE_CHECKING:  # mypy checks the module against what the engine and the registry call
    _POLICY: PolicyModule = policy
