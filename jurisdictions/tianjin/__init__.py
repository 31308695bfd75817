"""Tianjin (天津市), 2022 若干措施: regular assistance, 重特大疾病医疗救助, the illness-impoverished application."""

from decimal import Decimal
from typing import TYPE_CHECKING

from jurisdictions.spec import (
    CIVIL_AFFAIRS,
    COVERED_VISITS_AID,
    ApplicationKindSpec,
    CategorySpec,
    Jurisdiction,
    gettext_noop,
)
from jurisdictions.tianjin import policy
from jurisdictions.tianjin.parameters import TianjinParameters

if TYPE_CHECKING:
    from settlements.policy.rules import PolicyModule

JURISDICTION = Jurisdiction(
    code="tianjin",
    name=gettext_noop("天津市"),
    policy=policy,
    parameters=TianjinParameters,
    region_roots=("12",),
    # 残联 and 退役军人 feeds arrive through civil affairs in this product.
    local_categories=(
        CategorySpec("tianjin_severe_disability", gettext_noop("重度残疾人"), CIVIL_AFFAIRS),
        CategorySpec("tianjin_special_care", gettext_noop("优抚对象（医疗补助人员）"), CIVIL_AFFAIRS),
    ),
    other_special=True,
    # Clarification 26: the text names no rural-revitalization role in the alert.
    alert_departments=(CIVIL_AFFAIRS,),
    own_funds=(
        ("severe_disability", gettext_noop("其他重度残疾人医疗救助资金")),
        ("special_care", gettext_noop("优抚对象医疗补助资金")),
    ),
    funds=policy.FUNDS,
    case_kinds=(
        # 依申请医疗救助: the burdens the covered visits' settlements left, against the cumulative counters.
        ApplicationKindSpec(
            "tianjin_illness",
            gettext_noop("依申请医疗救助（天津）"),
            assessment=COVERED_VISITS_AID,
            category="illness_impoverished",
            scenario_kind="tianjin_illness_impoverished",
            visits_required=True,
        ),
    ),
    extra_panels=("hospitals",),
    demo_parameters={"income_last_year": Decimal("48976.00"), "other_special_as": "dibao"},
)

if TYPE_CHECKING:  # mypy checks the module against what the engine and the registry call
    _POLICY: PolicyModule = policy
