"""The compiled form of one jurisdiction's rules for one year: what the engine interprets.

Each jurisdiction module (``national``, ``mianyang``, ``beijing``, ``tianjin``) declares its categories,
ranking, built-in values and switches in a config dataclass, and builds a ``Policy`` from that config and
the year's ``Parameters``. Building is done once per (jurisdiction, year, parameters, config) and cached,
so a visit only looks values up.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from jurisdictions.spec import gettext_noop
from settlements.policy import explain
from settlements.policy.base import ONE, ZERO, amount_text, exact, percent_text
from settlements.policy.errors import PolicyInputError, Problem
from settlements.policy.explain import Step, Template
from settlements.policy.results import MEDICAL_ASSISTANCE, TierName
from settlements.policy.types import Category, Fund, Parameters, Pool, Segment


@dataclass(frozen=True)
class Switches:
    """Readings every jurisdiction shares (RULES 1.4 and section 9); each default is the project's Default.

    - ``rounding`` (A-N4 ``rounding``): decimal rounding mode of each payment, rounded when paid.
    - ``episode_date_by`` (A-N5 ``episode_year_by``, A-MY12 ``effective_date_by``): ``"discharged"`` or
      ``"admitted"``; the date that places a visit in a year and decides which provisions are in force.
    - ``episode_identity`` (A-MY13, A-BJ7 ``episode_identity``): ``"any_day"`` (best identity valid on any
      day from admission to discharge, BJ-M2), ``"admitted"`` or ``"discharged"`` (valid on that day).
    - ``counters_carry_over`` (A-N6 ``category_change``): True = one set of counters per person and year;
      False = separate assistance, tilt and major-illness counters per category.
    - ``settled_on_extends_identity`` (A-MY8 ``retroactive_coverage``, Clarification 4): identities valid
      up to ``settled_on`` also count.
    """

    rounding: str = ROUND_HALF_UP
    episode_date_by: str = "discharged"
    episode_identity: str = "any_day"
    counters_carry_over: bool = True
    settled_on_extends_identity: bool = False


DEFAULT_SWITCHES = Switches()


@dataclass(frozen=True, slots=True)
class PoolTerms:
    """Regular assistance of a category in one pool: annual deductible (exact), ratio, annual cap."""

    ratio: Decimal
    cap: Decimal | None
    deductible: Decimal = ZERO
    # Derived: the deductible and ratio as the explanation writes them (formatted once, not per visit).
    deductible_text: str = field(init=False, repr=False, compare=False)
    ratio_text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "deductible_text", amount_text(self.deductible))
        object.__setattr__(self, "ratio_text", percent_text(self.ratio))


@dataclass(frozen=True, slots=True)
class CiSchedule:
    """A 大病保险 schedule: a threshold on the annual cumulative base, then ratios by band.

    ``relative`` bands are amounts above the threshold (A-BJ2 Default); otherwise they are absolute bands
    of the cumulative base. A single open band is the plain ``(base − threshold) × ratio``.
    """

    threshold: Decimal
    segments: tuple[Segment, ...]
    relative: bool = True
    # Derived: the threshold and the bands' ratios ("60%/70%") as the explanation writes them.
    threshold_text: str = field(init=False, repr=False, compare=False)
    ratios_text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "threshold_text", amount_text(self.threshold))
        object.__setattr__(self, "ratios_text", "/".join(percent_text(s.ratio) for s in self.segments))

    def tilted(self, threshold_cut: Decimal, ratio_add: Decimal) -> "CiSchedule":
        """The 倾斜支付 schedule: threshold lowered by ``threshold_cut``, every band's ratio raised."""
        return CiSchedule(
            threshold=exact(self.threshold * (ONE - threshold_cut)),
            segments=tuple(Segment(s.up_to, min(ONE, s.ratio + ratio_add)) for s in self.segments),
            relative=self.relative,
        )

    def pay(self, before: Decimal, after: Decimal) -> Decimal:
        """Unrounded 大病 payment for the cumulative base moving from ``before`` to ``after``."""
        threshold = self.threshold
        if after <= threshold:
            return ZERO
        if self.relative:
            low, high = max(ZERO, before - threshold), after - threshold
        else:
            low, high = max(before, threshold), after
        total = floor = ZERO
        for segment in self.segments:
            ceiling = segment.up_to
            top = high if ceiling is None or ceiling > high else ceiling
            bottom = low if low > floor else floor
            if top > bottom:
                total += (top - bottom) * segment.ratio
            if ceiling is None or ceiling >= high:
                break
            floor = ceiling
        return total


# The regular assistance tier every jurisdiction has (its pools' deductible, ratio and cap: ``PoolTerms``).
REGULAR_ASSISTANCE = TierName(MEDICAL_ASSISTANCE, gettext_noop("医疗救助"), "Medical assistance")


@dataclass(frozen=True, slots=True)
class ResidualLayer:
    """An annual-residual layer: what regular assistance leaves of a visit's base adds up over the year;
    the part above ``threshold`` is paid at ``ratio`` within the annual ``cap`` (RULES 1.4).

    Mianyang's 倾斜救助 (MY-T1) and Tianjin's 重特大疾病医疗救助 (TJ-A3) are two of them, each named by its
    ``tier`` and counted in the ledger as ``<counter>_base`` and ``<counter>_paid``.

    - ``pools``: the pools whose visits it pays (None = every pool).
    - ``requires_referral`` / ``requires_in_province``: a visit that is unreferred / outside the province
      gets nothing from the layer; its residual still counts toward the threshold when
      ``count_unqualified`` (A-MY3 ``tilt.base``), and ``unqualified`` is the explanation step it gets.
    - ``per_visit``: the threshold applies to each visit alone (A-TJ4 ``major.deductible_period``).
    - ``template``: the explanation step, with (threshold, before, after, eligible, ratio, raw, tier name);
      by default ``explain.RESIDUAL``, which names the tier.
    """

    tier: TierName
    counter: str
    threshold: Decimal
    ratio: Decimal
    cap: Decimal | None
    template: Template = explain.RESIDUAL
    pools: frozenset[Pool] | None = None
    requires_referral: bool = False
    requires_in_province: bool = False
    count_unqualified: bool = False
    unqualified: Template | None = None
    per_visit: bool = False
    # The ledger counters: ``<counter>_base`` and ``<counter>_paid`` (named once, not per visit).
    base_counter: str = field(init=False)
    paid_counter: str = field(init=False)
    # The threshold and ratio as the explanation writes them.
    threshold_text: str = field(init=False, repr=False, compare=False)
    ratio_text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_counter", f"{self.counter}_base")
        object.__setattr__(self, "paid_counter", f"{self.counter}_paid")
        object.__setattr__(self, "threshold_text", amount_text(self.threshold))
        object.__setattr__(self, "ratio_text", percent_text(self.ratio))


@dataclass(frozen=True, slots=True)
class CategoryTerms:
    """Everything a visit of one category needs, with the year's parameters applied."""

    code: str
    name_zh: str
    rank: int
    pools: Mapping[Pool, PoolTerms]  # pools where the category is assisted per visit
    application_pools: frozenset[Pool]  # pools where it is paid only through an application
    ci: CiSchedule | None  # its 大病 schedule (tilted or ordinary); None = not computed
    ci_tilted: bool
    in_force_from: date
    fund: Fund = Fund.MEDICAL_ASSISTANCE  # the fund that pays its assistance (Clarification 25)
    layers: tuple[ResidualLayer, ...] = ()  # the residual layers it gets after regular assistance, in order
    # Derived: its English name and the explanation step that names it as the category applied.
    name_en: str = field(init=False, repr=False, compare=False)
    applied: Step = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        name_en = explain.name_en(self.code)
        object.__setattr__(self, "name_en", name_en)
        object.__setattr__(self, "applied", (explain.CATEGORY, (self.code, self.name_zh, name_en)))


@dataclass(frozen=True, slots=True)
class HouseholdTerms:
    """Beijing annual aid for 因病致贫家庭重病患者 (BJ-II1)."""

    brackets: tuple[Segment, ...]  # progressive: ``up_to`` absolute band bounds of the household burden
    cap: Decimal
    max_per_year: int  # A-BJ4
    cost_year_offset: int
    aggregate_household: bool  # A-BJ3
    rule_date_is_application: bool  # A-BJ8: rules in force at the application date (else end of cost year)
    category: str


@dataclass(frozen=True, slots=True)
class IllnessApplicationTerms:
    """Tianjin 依申请医疗救助 (TJ-AP2)."""

    deductible: Decimal
    ratio: Decimal
    cap: Decimal | None
    cumulative: bool  # A-TJ8
    visit_types: frozenset[str]
    category: str


@dataclass(frozen=True)
class Policy:
    """One jurisdiction's rules for one year with its parameters applied."""

    jurisdiction: str
    name_zh: str
    year: int
    categories: Mapping[str, CategoryTerms]
    aliases: Mapping[str, str]  # other_special -> the category it is treated as
    known_categories: frozenset[str]  # codes a certification may carry
    missing: Mapping[str, str]  # category -> message, for categories whose parameters are not given
    visit_pools: Mapping[str, Pool]  # visit type -> pool; absent = outside the scope (not_covered)
    pool_names_zh: Mapping[Pool, str]
    ci_visit_types: frozenset[str]
    ci_ordinary: CiSchedule | None
    ci_from: date
    effective_from: date  # earliest provision in force
    general_from: date  # every provision in force
    expires: date | None
    # Its assistance tiers in order: regular assistance first, then each residual layer's tier.
    tiers: tuple[TierName, ...]
    layers: tuple[ResidualLayer, ...]  # every residual layer (each category says which it gets)
    unreferred_excluded: bool
    checks_offsite_filing: bool
    offsite_unfiled_covered: bool
    switches: Switches
    household: HouseholdTerms | None = None
    illness_application: IllnessApplicationTerms | None = None
    # Derived: each tier's index in ``tiers``, the amounts of a visit paid nothing, the terms of each
    # certification code that can be settled (``other_special`` through its alias; a code absent here is
    # refused with its reason by ``engine.identity``), and each pool's counters when one set carries over.
    tier_index: Mapping[str, int] = field(init=False)
    no_amounts: tuple[Decimal, ...] = field(init=False)
    terms_of: Mapping[str, CategoryTerms] = field(init=False)
    pool_counters: Mapping[Pool, tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tier_index", {name.code: index for index, name in enumerate(self.tiers)})
        object.__setattr__(self, "no_amounts", (ZERO,) * len(self.tiers))
        settled_as = {code: self.category_of(code) for code in self.known_categories}
        terms_of = {
            code: self.categories[target]
            for code, target in settled_as.items()
            if target != Category.OTHER_SPECIAL and target in self.categories
        }
        object.__setattr__(self, "terms_of", terms_of)
        object.__setattr__(self, "pool_counters", {pool: (f"{pool}_base", f"{pool}_paid") for pool in Pool})

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.expires is None or day <= self.expires)

    def category_of(self, code: str) -> str:
        """The category a certification code is settled as (``other_special`` -> its mapping)."""
        return self.aliases.get(code, code)


class PolicyModule(Protocol):
    """A jurisdiction's policy module as the engine and the registry use it (``Jurisdiction.policy``).

    Each jurisdiction package's ``__init__`` declares its module to be one, so that mypy checks it.
    """

    @property
    def CONFIG(self) -> object: ...  # its config dataclass: what ``build_policy`` takes by default

    @property
    def RANK(self) -> tuple[str, ...]: ...

    @property
    def CATEGORY_NAMES(self) -> Mapping[str, str]: ...

    @property
    def TIERS(self) -> tuple[TierName, ...]: ...  # its assistance tiers in order (regular first)

    # ``config`` is the module's own config class: its ``CONFIG`` or a copy with a switch changed.
    def build_policy(self, year: int, parameters: Parameters, config: Any) -> Policy: ...


def required(value: Decimal | None, name: str, jurisdiction: str) -> Decimal:
    """A parameter the jurisdiction cannot do without."""
    if value is None:
        raise PolicyInputError(f"parameters.{name}: required by {jurisdiction}", problem=Problem.REQUIRED)
    return value


def income_share(income: Decimal, rate: Decimal) -> Decimal:
    """A deductible or threshold set as a share of 上年居民人均可支配收入, kept exact."""
    return exact(income * rate) if rate else ZERO


def other_special_alias(parameters: Parameters, targets: frozenset[str], jurisdiction: str) -> dict[str, str]:
    """「…其他特殊困难人员，按上述救助对象类别给予相应救助」: map ``other_special`` onto a core category."""
    target = parameters.other_special_as
    if target is None:
        return {}
    if target not in targets:
        raise PolicyInputError(
            f'parameters.other_special_as: "{target}" is not one of {jurisdiction}\'s core categories'
        )
    return {Category.OTHER_SPECIAL: target}
