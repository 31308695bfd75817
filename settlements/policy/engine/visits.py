"""One visit: its checks, its categories compared by the burden each leaves (SCENARIOS Clarification 22),
and its result under the one chosen.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from settlements.policy import explain
from settlements.policy.base import ZERO
from settlements.policy.engine.identity import valid_categories, visit_reason
from settlements.policy.engine.tiers import assistance_tiers, critical_illness_tier
from settlements.policy.errors import PolicyInputError
from settlements.policy.explain import Step
from settlements.policy.results import VisitAssessment, VisitResult
from settlements.policy.rules import (
    CategoryTerms,
    Policy,
)
from settlements.policy.types import (
    Certification,
    InsuranceScheme,
    Ledger,
    Pool,
    Reason,
    Referral,
    Visit,
    VisitType,
)

_VISIT_TYPES = frozenset(VisitType)
_REFERRALS = frozenset(Referral)
_SCHEMES = frozenset(InsuranceScheme)
# Members the per-visit path uses as module names (an enum member lookup costs about 0.2 microseconds on
# Python 3.11).
OUTSIDE_YEAR, CAP_REACHED = Reason.OUTSIDE_YEAR, Reason.CAP_REACHED


def _check_visit(visit: Visit) -> None:
    if visit.type not in _VISIT_TYPES:
        raise PolicyInputError(f'visit.type: unknown visit type "{visit.type}"')
    if visit.referral not in _REFERRALS:
        raise PolicyInputError(f'visit.referral: unknown referral "{visit.referral}"')
    if visit.discharged < visit.admitted:
        raise PolicyInputError("visit.discharged: before admitted")
    if visit.basic_insurance_paid < ZERO or visit.basic_insurance_paid > visit.policy_scope_cost:
        raise PolicyInputError("visit.basic_insurance_paid: negative or above policy_scope_cost")
    given = visit.critical_illness_paid
    if given is not None and not ZERO <= given <= visit.policy_scope_cost - visit.basic_insurance_paid:
        raise PolicyInputError("visit.critical_illness_paid: negative or above cost after basic insurance")
    if visit.insurance_scheme not in _SCHEMES:
        raise PolicyInputError(f'visit.insurance_scheme: unknown insurance scheme "{visit.insurance_scheme}"')
    supplementary = visit.supplementary_paid
    # Zero always fits: the checks above leave a cost after basic and given insurance of zero or more.
    if supplementary and not (
        ZERO <= supplementary <= visit.policy_scope_cost - visit.basic_insurance_paid - (given or ZERO)
    ):
        raise PolicyInputError(
            "visit.supplementary_paid: negative or above cost after basic and given critical-illness insurance"
        )


def settle_visit(
    policy: Policy, certifications: Sequence[Certification], ledger: Ledger, visit: Visit
) -> VisitAssessment:
    """``assess_visit`` on an already compiled policy.

    SCENARIOS Clarification 22 (就高不就低 pays the most): with several valid categories, the visit is
    assessed under each against the same ledger and settled under the one that leaves the smallest
    personal burden; the ranking breaks ties. The other categories' burdens are computed by the same
    arithmetic without their explanation; only the chosen category's is written.
    """
    _check_visit(visit)
    day = visit.discharged if policy.switches.episode_date_by == "discharged" else visit.admitted
    if day.year != policy.year:
        return VisitAssessment(_outside_year(policy, visit, day), {}, ledger)
    valid, valid_in_force = valid_categories(policy, certifications, visit, day)
    # Mianyang 2022 (Clarification 7): only some categories are in force; any other identity, or none, is
    # governed by county rules this rule set does not hold.
    in_force = policy.in_force(day) and (bool(valid_in_force) or (not valid and day >= policy.general_from))
    candidates = valid_in_force if in_force else valid[:1]
    category = candidates[0] if candidates else None
    steps: list[Step] = [_NO_CATEGORY_STEP if category is None else category.applied]
    deltas: dict[str, Decimal] = {}
    outcome = _assess_as(policy, ledger, visit, day, category, in_force, steps, deltas)
    # One candidate, or a first (highest-ranked) one that leaves nothing to pay: no other can do better,
    # and the ranking breaks ties.
    if len(candidates) > 1 and outcome[2]:
        burdens = [outcome[2]]
        for terms in candidates[1:]:
            burdens.append(_assess_as(policy, ledger, visit, day, terms, in_force, None, {})[2])
        # The first of equal burdens: candidates come in rank order.
        index = burdens.index(min(burdens))
        if index:
            category = candidates[index]
            steps, deltas = [category.applied], {}
            outcome = _assess_as(policy, ledger, visit, day, category, in_force, steps, deltas)
        steps.insert(1, _compared(candidates, burdens, index))
    ci, amounts, burden, reason, pool = outcome
    steps.append((explain.BURDEN, (burden,)))
    result = VisitResult(
        visit.id,
        category.code if category is not None else None,
        ci,
        policy.tiers,
        amounts,
        burden,
        reason,
        tuple(steps),
        pool if reason is None or reason == CAP_REACHED else None,
        visit.supplementary_paid,
        category.fund if category is not None else None,
    )
    deltas = {name: delta for name, delta in deltas.items() if delta}
    return VisitAssessment(result, deltas, ledger.apply(deltas))


def _outside_year(policy: Policy, visit: Visit, day: date) -> VisitResult:
    """The per-visit API's answer to a visit whose episode date is in another year: nothing paid."""
    cost = visit.policy_scope_cost - visit.basic_insurance_paid
    steps = ((explain.REASONS[OUTSIDE_YEAR], (day, policy.year)),)
    return VisitResult(
        visit.id,
        None,
        ZERO,
        policy.tiers,
        policy.no_amounts,
        cost,
        OUTSIDE_YEAR,
        steps,
        supplementary_paid=visit.supplementary_paid,
    )


def _compared(candidates: Sequence[CategoryTerms], burdens: list[Decimal], index: int) -> Step:
    """The explanation step that tells which categories were compared and which one was chosen."""
    winner = candidates[index]
    tie = burdens.count(burdens[index]) > 1
    compared = explain.Compared(candidates, burdens)
    return (explain.COMPARED_TIE if tie else explain.COMPARED, (compared, winner.name_zh, winner.name_en))


_NO_CATEGORY_STEP: Step = (explain.NO_CATEGORY, ())


def _assess_as(
    policy: Policy,
    ledger: Ledger,
    visit: Visit,
    day: date,
    category: CategoryTerms | None,
    in_force: bool,
    steps: list[Step] | None,
    deltas: dict[str, Decimal],
) -> tuple[Decimal, tuple[Decimal, ...], Decimal, Reason | None, Pool | None]:
    """The arithmetic of one category: (大病保险, the tiers' amounts, personal burden, reason, pool). The
    explanation goes to ``steps`` (None: not wanted, as for a category compared but not chosen) and the
    counter deltas to ``deltas``."""
    cost = visit.policy_scope_cost - visit.basic_insurance_paid
    pool = policy.visit_pools.get(visit.type)
    reason = visit_reason(policy, visit, category, pool, in_force)
    if reason is not None and steps is not None:
        steps.append((explain.REASONS[reason], (day,)))
    ci = critical_illness_tier(policy, ledger, visit, day, category, cost, deltas, steps)
    # Clarification 23 (先保险后救助): supplementary insurance is paid before every assistance tier.
    supplementary = visit.supplementary_paid
    base = cost - ci - supplementary
    if base < ZERO:
        raise PolicyInputError(
            f"visit.supplementary_paid: {supplementary} is above what is left after basic insurance and "
            f"critical-illness insurance ({cost - ci})"
        )
    if steps is not None:
        if supplementary:
            steps.append((explain.SUPPLEMENTARY, (supplementary,)))
        steps.append((explain.BASE, (base,)))
    if reason is not None:
        return ci, policy.no_amounts, base, reason, pool
    # ``_reason`` gives None only to a visit with a category and a pool.
    assert category is not None
    assert pool is not None
    amounts, cut = assistance_tiers(policy, category, pool, ledger, visit, base, deltas, steps)
    burden = base
    for amount in amounts:
        burden -= amount
    return ci, amounts, burden, CAP_REACHED if cut else None, pool
