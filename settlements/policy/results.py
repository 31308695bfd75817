"""Results of the policy engine: a settled visit with its tiers, a decided application, a year's totals.

Each assessment carries the counter deltas for the caller to write and the ``Ledger`` after it; the
scenario output's tier keys (``CONTRACT_TIERS``) are read from the tiers of a visit or of the totals.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from jurisdictions.catalogue import REGULAR_TIER
from settlements.policy.base import ZERO
from settlements.policy.explain import Line, Step
from settlements.policy.types import ApplicationStatus, Fund, Ledger, Pool, Reason


class TierName(NamedTuple):
    """An assistance tier as a jurisdiction declares it: a code (unique across jurisdictions for one kind of
    aid, the key of ``settle_scenario``'s output and of stored tier rows) and its names."""

    code: str
    name_zh: str
    name_en: str


# The tier codes of the scenario output's contract (SCENARIOS ``Output``): every visit and the totals carry
# these keys, zero where the jurisdiction has no such tier.
MEDICAL_ASSISTANCE = REGULAR_TIER
TILTED_ASSISTANCE, MAJOR_ILLNESS_ASSISTANCE = "tilted_assistance", "major_illness_assistance"
CONTRACT_TIERS = (MEDICAL_ASSISTANCE, TILTED_ASSISTANCE, MAJOR_ILLNESS_ASSISTANCE)


class ContractTiers:
    """The contract's tier keys of a visit's result or of the totals, read from their tiers (``tier``)."""

    __slots__ = ()

    def tier(self, code: str) -> Decimal:
        raise NotImplementedError

    @property
    def medical_assistance(self) -> Decimal:
        return self.tier(MEDICAL_ASSISTANCE)

    @property
    def tilted_assistance(self) -> Decimal:
        return self.tier(TILTED_ASSISTANCE)

    @property
    def major_illness_assistance(self) -> Decimal:
        return self.tier(MAJOR_ILLNESS_ASSISTANCE)


class Tier(NamedTuple):
    """One assistance tier of a settled visit: the declared tier, the amount paid and the fund paying it."""

    code: str
    name_zh: str
    name_en: str
    amount: Decimal
    fund: str | None


@dataclass(frozen=True, slots=True)
class VisitResult(ContractTiers):
    """A visit's outcome: 大病保险, the assistance tiers in the jurisdiction's order, the burden left.

    ``tier_names`` are the jurisdiction's tiers and ``amounts`` what each paid (zero where nothing), in the
    same order; ``tiers`` gives them together with the paying fund.
    """

    visit_id: str
    category: str | None
    critical_illness_insurance: Decimal
    tier_names: tuple[TierName, ...]
    amounts: tuple[Decimal, ...]
    personal_burden: Decimal
    reason: Reason | None
    steps: tuple[Step, ...]
    pool: Pool | None = None
    supplementary_paid: Decimal = ZERO  # echoed (Clarification 23)
    fund: Fund | None = None  # the fund of the category applied (Clarification 25)

    @property
    def tiers(self) -> tuple[Tier, ...]:
        """Every tier of the jurisdiction in its order, with the amount paid and the fund paying it."""
        fund = self.fund
        return tuple(
            Tier(*name, amount, fund) for name, amount in zip(self.tier_names, self.amounts, strict=True)
        )

    @property
    def explanation(self) -> tuple[Line, ...]:
        """One line per step, in Chinese and English, with the figures."""
        return tuple(template.render(figures) for template, figures in self.steps)

    @property
    def assistance(self) -> Decimal:
        """Every assistance tier of the visit (大病保险 excluded)."""
        return sum(self.amounts, ZERO)

    def tier(self, code: str) -> Decimal:
        """The amount of the tier ``code`` (zero when the jurisdiction has no such tier)."""
        for name, amount in zip(self.tier_names, self.amounts, strict=True):
            if name.code == code:
                return amount
        return ZERO


@dataclass(frozen=True, slots=True)
class VisitAssessment:
    """A visit's result, the counter deltas to store, and the ledger after the visit."""

    result: VisitResult
    deltas: Mapping[str, Decimal]
    ledger: Ledger


@dataclass(frozen=True, slots=True)
class ApplicationResult:
    application_id: str
    status: ApplicationStatus
    assistance: Decimal
    reason: Reason | None
    explanation: tuple[Line, ...]
    covered_visit_ids: tuple[str, ...] = ()  # Tianjin: visits this approved application now covers


@dataclass(frozen=True, slots=True)
class ApplicationAssessment:
    result: ApplicationResult
    deltas: Mapping[str, Decimal]
    ledger: Ledger


@dataclass(frozen=True, slots=True)
class Totals(ContractTiers):
    """SCENARIOS Clarification 20: sums of the visits' (or applications') values; ``tiers`` (code, sum) in
    the order the visits' tiers came."""

    critical_illness_insurance: Decimal
    tiers: tuple[tuple[str, Decimal], ...]
    application_assistance: Decimal
    personal_burden: Decimal

    def tier(self, code: str) -> Decimal:
        return next((amount for tier, amount in self.tiers if tier == code), ZERO)


@dataclass(frozen=True, slots=True)
class YearResult:
    """Results in input order, their totals, and the person's ledger at the end of the year."""

    visits: tuple[VisitResult, ...]
    applications: tuple[ApplicationResult, ...]
    totals: Totals
    ledger: Ledger
