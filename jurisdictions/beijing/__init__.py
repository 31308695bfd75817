"""Beijing (北京市), 京医保发〔2022〕37号: tiered outpatient and inpatient aid, the annual household aid."""

from decimal import Decimal
from typing import TYPE_CHECKING

from jurisdictions.beijing import policy
from jurisdictions.beijing.parameters import BeijingParameters
from jurisdictions.spec import (
    CIVIL_AFFAIRS,
    HOUSEHOLD_AID,
    ApplicationKindSpec,
    CategorySpec,
    Jurisdiction,
    gettext_noop,
)

if TYPE_CHECKING:
    from settlements.policy.rules import PolicyModule

JURISDICTION = Jurisdiction(
    code="beijing",
    name=gettext_noop("北京市"),
    policy=policy,
    parameters=BeijingParameters,
    region_roots=("11",),
    local_categories=(
        CategorySpec("beijing_returned_youth_disabled", gettext_noop("因公(病)致残返城知青"), CIVIL_AFFAIRS),
        CategorySpec("beijing_downsized_1960s_worker", gettext_noop("60年代初精减退职老职工"), CIVIL_AFFAIRS),
        CategorySpec("beijing_hardship_subsidy", gettext_noop("生活困难补助人员"), CIVIL_AFFAIRS),
        CategorySpec("beijing_low_income", gettext_noop("城乡低收入家庭救助人员"), CIVIL_AFFAIRS),
    ),
    # Clarification 26: the text names no rural-revitalization role in the alert.
    alert_departments=(CIVIL_AFFAIRS,),
    # 市级统筹、分账核算: the city pools the fund and keeps an account per district.
    district_accounts=True,
    case_kinds=(
        # A-BJ3/A-BJ4: the household's burdens of the last year, once per household and year.
        ApplicationKindSpec(
            "beijing_annual",
            gettext_noop("因病致贫家庭重病患者年度救助（北京）"),
            assessment=HOUSEHOLD_AID,
            category="illness_impoverished",
            scenario_kind="beijing_annual_household",
            household_visits=True,
            once_a_year=True,
        ),
    ),
    # Beijing's rules need no income figure; the demo gives one for the monthly alert's threshold.
    demo_parameters={"income_last_year": Decimal("77415.00")},
)

if TYPE_CHECKING:  # mypy checks the module against what the engine and the registry call
    _POLICY: PolicyModule = policy
