"""The tiers of one visit under one category: 大病保险 (Clarifications 6 and 24), regular assistance of the
pool, and each residual layer on what it leaves (RULES 1.4). Each writes its explanation step when given
a list of steps, and its counter deltas.
"""

from datetime import date
from decimal import Decimal

from settlements.policy import explain
from settlements.policy.base import ZERO, above, capped, round_half_up
from settlements.policy.explain import Step
from settlements.policy.rules import (
    CategoryTerms,
    Policy,
    ResidualLayer,
)
from settlements.policy.types import Counter, InsuranceScheme, Ledger, Pool, Referral, Visit

# The 大病 base counter's name as stored (a plain string), and the members the per-visit path uses as module
# names (an enum member lookup costs about 0.2 microseconds on Python 3.11).
CI_BASE = Counter.CI_BASE.value
EMPLOYEE, UNREFERRED = InsuranceScheme.EMPLOYEE, Referral.UNREFERRED


def critical_illness_tier(
    policy: Policy,
    ledger: Ledger,
    visit: Visit,
    day: date,
    category: CategoryTerms | None,
    cost: Decimal,
    deltas: dict[str, Decimal],
    steps: list[Step] | None,
) -> Decimal:
    """大病保险 (SCENARIOS Clarifications 6 and 24): computed with the category's schedule, given, or zero;
    an employee-insured visit never gets the resident schedule and stays out of the resident 大病 base."""
    ci_scope = visit.type in policy.ci_visit_types
    given = visit.critical_illness_paid
    if visit.insurance_scheme == EMPLOYEE:
        ci = given if given is not None else ZERO
        if steps is not None:
            steps.append(
                (explain.CI_EMPLOYEE_GIVEN, (ci,)) if given is not None else (explain.CI_EMPLOYEE_NONE, ())
            )
        return ci
    if given is not None:
        ci = given
        if steps is not None:
            steps.append((explain.CI_GIVEN, (ci,)))
    elif ci_scope and policy.ci_from <= day and policy.in_force(day):
        schedule = category.ci if category is not None else policy.ci_ordinary
        if schedule is None:
            ci = ZERO
            if steps is not None:
                steps.append((explain.CI_NO_SCHEDULE, ()))
        else:
            before = ledger.counters.get(CI_BASE, ZERO)
            after = before + cost
            ci = round_half_up(schedule.pay(before, after), policy.switches.rounding)
            if steps is not None:
                template = explain.CI_TILTED if category is not None and category.ci_tilted else explain.CI
                steps.append((template, (schedule.threshold_text, schedule.ratios_text, before, after, ci)))
    else:
        ci = ZERO
    if ci_scope and cost:
        deltas[CI_BASE] = cost
    return ci


def assistance_tiers(
    policy: Policy,
    category: CategoryTerms,
    pool: Pool,
    ledger: Ledger,
    visit: Visit,
    base: Decimal,
    deltas: dict[str, Decimal],
    steps: list[Step] | None,
) -> tuple[tuple[Decimal, ...], bool]:
    """Regular assistance of the pool, then each residual layer of the category on what it leaves: (the
    amount of each of the jurisdiction's tiers, in its order; whether a cap cut a tier)."""
    switches = policy.switches
    rounding = switches.rounding
    terms = category.pools[pool]
    if switches.counters_carry_over:
        prefix = ""
        base_key, paid_key = policy.pool_counters[pool]
    else:
        prefix = f"{category.code}:"
        base_key, paid_key = f"{prefix}{pool}_base", f"{prefix}{pool}_paid"
    counters = ledger.counters
    before, paid = counters.get(base_key, ZERO), counters.get(paid_key, ZERO)
    after = before + base
    assistance, raw, eligible = annual_tier(
        terms.deductible, terms.ratio, terms.cap, before, after, paid, rounding
    )
    if steps is not None:
        name = policy.pool_names_zh[pool]
        figures = (terms.deductible_text, before, after, eligible, terms.ratio_text, raw, name)
        steps.append((explain.ASSISTANCE, figures))
        steps.append(cap_step(terms.cap, paid, assistance))
    cut = assistance < raw
    deltas[base_key] = base
    deltas[paid_key] = assistance
    if not category.layers:
        return (assistance, *policy.no_amounts[1:]), cut
    amounts = [*policy.no_amounts]
    amounts[0] = assistance
    residual = base - assistance
    for layer in category.layers:
        if layer.pools is not None and pool not in layer.pools:
            continue
        amount, layer_cut = _residual_layer(layer, visit, prefix, ledger, residual, rounding, deltas, steps)
        amounts[policy.tier_index[layer.tier.code]] = amount
        cut = cut or layer_cut
    return tuple(amounts), cut


def _residual_layer(
    layer: ResidualLayer,
    visit: Visit,
    prefix: str,
    ledger: Ledger,
    residual: Decimal,
    rounding: str,
    deltas: dict[str, Decimal],
    steps: list[Step] | None,
) -> tuple[Decimal, bool]:
    """One annual-residual layer (``rules.ResidualLayer``) on the visit's residual: (pay, cut by the cap)."""
    base_key, paid_key = layer.base_counter, layer.paid_counter
    if prefix:
        base_key, paid_key = f"{prefix}{base_key}", f"{prefix}{paid_key}"
    if (layer.requires_in_province and not visit.in_province) or (
        layer.requires_referral and visit.referral == UNREFERRED
    ):
        if layer.unqualified is not None and steps is not None:
            steps.append((layer.unqualified, ()))
        if layer.count_unqualified:
            deltas[base_key] = residual
        return ZERO, False
    counters = ledger.counters
    before, paid = ZERO if layer.per_visit else counters.get(base_key, ZERO), counters.get(paid_key, ZERO)
    after = before + residual
    pay, raw, eligible = annual_tier(layer.threshold, layer.ratio, layer.cap, before, after, paid, rounding)
    if steps is not None:
        figures = (layer.threshold_text, before, after, eligible, layer.ratio_text, raw, layer.tier.name_zh)
        steps.append((layer.template, figures))
        steps.append(cap_step(layer.cap, paid, pay))
    deltas[base_key] = residual
    deltas[paid_key] = pay
    return pay, pay < raw


def annual_tier(
    threshold: Decimal,
    ratio: Decimal,
    cap: Decimal | None,
    before: Decimal,
    after: Decimal,
    paid: Decimal,
    rounding: str,
) -> tuple[Decimal, Decimal, Decimal]:
    """One annual tier (RULES 1.4): the part of the year's base from ``before`` to ``after`` above the
    annual ``threshold`` times ``ratio``, rounded when paid, within what is left of ``cap`` after ``paid``.
    (pay, raw, the part above the threshold)."""
    eligible = above(before, after, threshold)
    raw = round_half_up(eligible * ratio, rounding)
    return capped(raw, cap, paid), raw, eligible


def cap_step(cap: Decimal | None, paid: Decimal, pay: Decimal) -> Step:
    return (explain.NO_CAP, (pay,)) if cap is None else (explain.CAP, (cap, paid, pay))
