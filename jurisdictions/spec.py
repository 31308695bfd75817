"""What a jurisdiction package declares: one frozen ``Jurisdiction`` named ``JURISDICTION`` in its
``__init__``. Plain Python, like the engine it feeds: no Django import, so the engine, the scenario command
and their tests read the same declaration as the models, forms, imports, monitoring and the demo.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import TypeVar

from jurisdictions.parameters import ParameterSchema

# The certifying departments (RULES 1.2). Disabled persons' and veterans' feeds arrive through civil affairs.
CIVIL_AFFAIRS = "civil_affairs"
RURAL_REVITALIZATION = "rural_revitalization"
DEPARTMENTS = (CIVIL_AFFAIRS, RURAL_REVITALIZATION)

K = TypeVar("K")
V = TypeVar("V")

OTHER_SPECIAL = (
    "other_special"  # 其他特殊困难人员: settled as the category a parameter names (Clarification 21)
)


def gettext_noop(message: str) -> str:
    """Marks a Chinese name as a message id for ``makemessages``; the pages translate it when shown."""
    return message


@dataclass(frozen=True)
class CategorySpec:
    """An identity category (救助对象类别): its code, its Chinese name and the department that certifies it."""

    code: str
    name: str
    department: str


# What the review of an application computes (``ApplicationKindSpec.assessment``).
# Each covered visit is settled by the settlement service as of the application date (A-MY8).
SETTLE_VISITS = "settle_visits"
# The engine's annual household aid on the burdens the household's settled visits left (Beijing, A-BJ3).
HOUSEHOLD_AID = "household_aid"
# The engine's aid on the burdens the covered settled visits left (Tianjin's 依申请医疗救助).
COVERED_VISITS_AID = "covered_visits_aid"
ASSESSMENTS = (SETTLE_VISITS, HOUSEHOLD_AID, COVERED_VISITS_AID)


@dataclass(frozen=True)
class ApplicationKindSpec:
    """A kind of application (申请类型) of the case workflow: what it asks for and what its review computes.

    Declared once, by the package that offers it (the common kinds in ``jurisdictions.catalogue``); the
    application's ``kind`` column stores ``code``, and the pages show ``name`` translated.
    """

    code: str
    name: str
    assessment: str = SETTLE_VISITS
    # The identity the application is decided on when the kind fixes it (the illness-impoverished aid);
    # otherwise the category the applicant asks to be certified in, if any.
    category: str = ""
    # Whether the applicant must name a category to be certified in (救助身份认定申请).
    category_required: bool = False
    # Whether at least one visit must be covered.
    visits_required: bool = False
    # Whether the visits of the applicant's household members may be covered (A-BJ3).
    household_visits: bool = False
    # Granted once per household and aid year (「同一自然年度内只能申请一次」, A-BJ4).
    once_a_year: bool = False
    # Whether persons assisted directly (特困、孤儿、低保, NAT-18) may file it: they need no application for
    # an identity or an aid, but may claim costs they paid in advance.
    for_direct_categories: bool = False
    # The name a settlement scenario gives the same application (SCENARIOS.md ``applications[].kind``), for a
    # kind the engine's application aid computes; empty for the others.
    scenario_kind: str = ""


@dataclass(frozen=True)
class ScenarioParameters:
    """Which ``parameters`` a scenario of the jurisdiction must give and which rate tables it may give
    (``Jurisdiction.scenario``, read from its parameter schema)."""

    required: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()


def _frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, eq=False)
class Jurisdiction:
    """One policy jurisdiction (政策适用地): whose rules settle the visits of the people registered in it.

    ``policy`` is the pure module of its rules: ``build_policy(year, parameters, config)``, ``CONFIG`` (the
    built-in values, every one a switch), ``RANK`` (its categories, highest first; SCENARIOS Clarification
    22 makes the ranking a tie-break only), ``CATEGORY_NAMES`` (the names its text uses) and ``TIERS`` (its
    assistance tiers, composed of the engine's building blocks).
    """

    code: str
    name: str
    policy: ModuleType  # a ``settlements.policy.rules.PolicyModule``
    # Division codes (2-digit province, 4-digit city) whose regions the jurisdiction governs. The one
    # jurisdiction without roots is the fallback for every other region of China.
    region_roots: tuple[str, ...] = ()
    # Categories this jurisdiction adds to the common catalogue (jurisdictions.catalogue).
    local_categories: tuple[CategorySpec, ...] = ()
    # Whether 其他特殊困难人员 can be certified here (settled as the category ``other_special_as`` names).
    other_special: bool = False
    # Departments that receive the monthly high-cost push (SCENARIOS Clarification 26).
    alert_departments: tuple[str, ...] = (CIVIL_AFFAIRS,)
    # Funds of its own (code, Chinese name) beside the common 医疗救助基金, and the categories whose
    # assistance they pay (SCENARIOS Clarification 25): category -> fund code.
    own_funds: tuple[tuple[str, str], ...] = ()
    funds: Mapping[str, str] = field(default_factory=dict)
    # Whether the funds keep a sub-account per district (市级统筹、分账核算, Beijing): income, spending and
    # budgets are then booked per county-level region; otherwise per jurisdiction (its region root).
    district_accounts: bool = False
    # Application kinds of the product's case workflow (``applications``) offered only here, beyond the
    # common ones (``jurisdictions.catalogue.COMMON_APPLICATION_KINDS``).
    case_kinds: tuple[ApplicationKindSpec, ...] = ()
    # Dashboard panels beyond the common ones.
    extra_panels: tuple[str, ...] = ()
    # The schema of its policy years' parameters (``jurisdictions/<code>/parameters.py``): what the editor
    # shows and checks, what ``PolicyYear.parameters`` holds.
    parameters: type[ParameterSchema] = ParameterSchema
    # Policy-year parameters the demo uses for every demo year (assumed values, marked as such in the demo).
    demo_parameters: Mapping[str, object] = field(default_factory=dict)

    @property
    def application_kind(self) -> str | None:
        """The kind of application a scenario may carry (``applications[].kind``), if any: the scenario name
        of its case kind that the engine's application aid computes."""
        return next((kind.scenario_kind for kind in self.case_kinds if kind.scenario_kind), None)

    @property
    def scenario(self) -> ScenarioParameters:
        """What a scenario must and may give, read from the parameter schema."""
        return ScenarioParameters(
            required=self.parameters.scenario_required(), rates=self.parameters.scenario_rates()
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "funds", _frozen(self.funds))
        object.__setattr__(self, "demo_parameters", _frozen(self.demo_parameters))

    @property
    def tiers(self) -> tuple[tuple[str, str, str], ...]:
        """Its assistance tiers in order, (code, Chinese name, English name): the policy module's ``TIERS``,
        regular assistance first. A settlement stores one row per tier; pages list them in this order."""
        return tuple(self.policy.TIERS)

    @property
    def ranking(self) -> tuple[str, ...]:
        """The categories that can be certified here, highest first (就高不就低)."""
        return tuple(self.policy.RANK) + ((OTHER_SPECIAL,) if self.other_special else ())
