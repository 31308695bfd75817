"""The settlement engine: one visit, one application, or a whole year, for any jurisdiction.

Settlement order (RULES 1.1): 「按照“先保险后救助”的原则，对基本医保、大病保险等支付后个人医疗费用
负担仍然较重的救助对象按规定实施救助」 [001:L27]. For each visit: identity (就高不就低), reason,
大病保险, regular assistance (deductible, ratio, cap per pool), then the residual layers the jurisdiction
composes (``rules.ResidualLayer``: Mianyang 倾斜救助, Tianjin 重特大疾病医疗救助). A visit's result carries
the jurisdiction's tiers in its order (``VisitResult.tiers``), each with its code, names, amount and fund.

The per-visit and per-application functions are pure: they take the person's ``Ledger`` and return the
result, the counter deltas to store and the ledger after. ``settle_year`` chains them over a scenario
(SCENARIOS Clarification 1: visits by discharge date, ties in input order, then applications by date).
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter
from typing import cast

from jurisdictions import registry
from settlements.policy import explain
from settlements.policy.base import ZERO, above, amount_text, capped, percent_text, round_half_up
from settlements.policy.errors import PolicyInputError, Problem
from settlements.policy.rules import (
    CategoryTerms,
    CiSchedule,
    HouseholdTerms,
    IllnessApplicationTerms,
    Policy,
    PolicyModule,
    ResidualLayer,
)
from settlements.policy.types import (
    Application,
    ApplicationAssessment,
    ApplicationResult,
    ApplicationStatus,
    BeijingHouseholdApplication,
    Category,
    Certification,
    Counter,
    CoveredVisit,
    Fund,
    InsuranceScheme,
    Ledger,
    Line,
    Parameters,
    Pool,
    Reason,
    Referral,
    Scenario,
    Step,
    Template,
    TianjinApplication,
    TianjinApplicationRequest,
    Totals,
    Visit,
    VisitAssessment,
    VisitResult,
    VisitType,
    YearResult,
)

# The reading of the rules a settlement was made under. Bumped whenever a reading changes what a visit is
# paid, so that settlements made before can be listed for resettlement: 1 the first reading; 2
# SCENARIOS Clarifications 22-25 (best category by burden, supplementary insurance before assistance,
# employee-insured visits, the paying fund).
RULES_REVISION = 2

# A jurisdiction's config: the frozen dataclass of built-in values its policy module names ``CONFIG``.
Config = object


def fund_of(category: str) -> str:
    """The fund that pays the assistance of a visit settled under ``category`` (SCENARIOS Clarification 25);
    category codes are unique across jurisdictions, so the code alone names the fund."""
    return registry.fund_of(category) or Fund.MEDICAL_ASSISTANCE


_VISIT_TYPES = frozenset(VisitType)
_REFERRALS = frozenset(Referral)
_SCHEMES = frozenset(InsuranceScheme)
EMPLOYEE = InsuranceScheme.EMPLOYEE

# Counter names as stored (plain strings), and the members the per-visit path uses as module names (an
# enum member lookup costs about 0.2 microseconds on Python 3.11).
CI_BASE = Counter.CI_BASE.value
APPLICATION_BASE, APPLICATION_PAID = Counter.APPLICATION_BASE.value, Counter.APPLICATION_PAID.value
NOT_IN_FORCE, NOT_COVERED, NO_CATEGORY = Reason.NOT_IN_FORCE, Reason.NOT_COVERED, Reason.NO_CATEGORY
APPLICATION_REQUIRED, UNREFERRED_REASON = Reason.APPLICATION_REQUIRED, Reason.UNREFERRED
OFFSITE_NOT_FILED, OUTSIDE_YEAR, CAP_REACHED = (
    Reason.OFFSITE_NOT_FILED,
    Reason.OUTSIDE_YEAR,
    Reason.CAP_REACHED,
)
UNREFERRED, OTHER_SPECIAL = Referral.UNREFERRED, Category.OTHER_SPECIAL


@lru_cache(maxsize=512)
def compile_policy(
    jurisdiction: str, year: int, parameters: Parameters, config: Config | None = None
) -> Policy:
    """The jurisdiction's rules for ``year`` with ``parameters`` applied (cached; all inputs are frozen).

    ``config`` replaces the jurisdiction's default config (``<module>.CONFIG``) to change a switch.
    """
    try:
        policy: PolicyModule = registry.get(jurisdiction).policy
    except registry.UnknownJurisdiction:
        raise PolicyInputError(f'jurisdiction: unknown jurisdiction "{jurisdiction}"') from None
    return policy.build_policy(year, parameters, config if config is not None else policy.CONFIG)


def assess_visit(
    *,
    jurisdiction: str,
    year: int,
    parameters: Parameters,
    certifications: Sequence[Certification],
    ledger: Ledger,
    visit: Visit,
    config: Config | None = None,
) -> VisitAssessment:
    """Settle one visit against the person's ledger; the caller stores ``deltas`` (or ``ledger``)."""
    policy = compile_policy(jurisdiction, year, parameters, config)
    return settle_visit(policy, certifications, ledger, visit)


def assess_application(
    *,
    jurisdiction: str,
    year: int,
    parameters: Parameters,
    certifications: Sequence[Certification],
    ledger: Ledger,
    application: Application,
    approved_applications_this_year: int = 0,
    config: Config | None = None,
) -> ApplicationAssessment:
    """Decide one application (Beijing annual household aid or Tianjin 依申请医疗救助).

    ``approved_applications_this_year`` is the household's count of approved Beijing applications dated
    earlier this year; a Tianjin application carries its covered visits' facts (``CoveredVisit``).
    """
    policy = compile_policy(jurisdiction, year, parameters, config)
    return settle_application(policy, certifications, ledger, application, approved_applications_this_year)


def settle_application(
    policy: Policy,
    certifications: Sequence[Certification],
    ledger: Ledger,
    application: Application,
    approved_applications_this_year: int = 0,
) -> ApplicationAssessment:
    """``assess_application`` on an already compiled policy."""
    household, illness_application = policy.household, policy.illness_application
    if isinstance(application, BeijingHouseholdApplication) and household is not None:
        approved = approved_applications_this_year
        return _household_application(policy, household, certifications, ledger, application, approved)
    if isinstance(application, TianjinApplication) and illness_application is not None:
        return _illness_application(policy, illness_application, certifications, ledger, application)
    raise PolicyInputError(
        f"application: {type(application).__name__} is not an application of {policy.jurisdiction}"
    )


# Visits ----------------------------------------------------------------------------------------------


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


def _candidates(
    policy: Policy, certifications: Sequence[Certification], visit: Visit, day: date
) -> tuple[list[CategoryTerms], list[CategoryTerms]]:
    """(identities valid during the episode, those among them in force on ``day``), each by rank.

    「患者在门诊或住院治疗期间取得社会救助对象资格的,当次门诊或住院按新取得救助对象标准办理」 [003:L128];
    SCENARIOS Clarification 4: any day from admission to discharge (to ``settled_on`` in Mianyang).
    """
    switches = policy.switches
    if switches.episode_identity == "any_day":
        start, end = visit.admitted, visit.discharged
    else:
        start = end = visit.admitted if switches.episode_identity == "admitted" else visit.discharged
    if switches.settled_on_extends_identity and visit.settled_on is not None and visit.settled_on > end:
        end = visit.settled_on
    terms_of = policy.terms_of
    ranked: list[CategoryTerms] = []
    for certification in certifications:
        terms = terms_of.get(certification.category) or _category_terms(policy, certification.category)
        if certification.valid_from > end or (
            certification.valid_to is not None and certification.valid_to < start
        ):
            continue
        ranked.append(terms)
    if len(ranked) > 1:
        # Each category once (a policy holds one ``CategoryTerms`` per category: by identity, as ``==``
        # compares every field), by rank.
        ranked = sorted({id(terms): terms for terms in ranked}.values(), key=attrgetter("rank"))
    elif ranked and ranked[0].in_force_from <= day:
        return ranked, ranked
    return ranked, [terms for terms in ranked if terms.in_force_from <= day]


def _category_terms(policy: Policy, code: str) -> CategoryTerms:
    """A certification code ``Policy.terms_of`` does not hold: the reason it cannot be settled."""
    if code not in policy.known_categories:
        raise PolicyInputError(
            f'certification.category: "{code}" is not a category of {policy.jurisdiction}',
            problem=Problem.NOT_A_CATEGORY,
            value=code,
        )
    settled_as = policy.category_of(code)
    if settled_as == OTHER_SPECIAL:
        raise PolicyInputError(
            "parameters.other_special_as: required by an other_special certification",
            problem=Problem.REQUIRED,
        )
    terms = policy.categories.get(settled_as)
    if terms is None:
        raise PolicyInputError(policy.missing[settled_as])
    return terms


def _reason(
    policy: Policy, visit: Visit, category: CategoryTerms | None, pool: Pool | None, in_force: bool
) -> Reason | None:
    """SCENARIOS Clarification 5: not_in_force > not_covered > no_category > application_required >
    unreferred > offsite_not_filed."""
    if not in_force:
        return NOT_IN_FORCE
    if pool is None:
        return NOT_COVERED
    if category is None:
        return NO_CATEGORY
    if pool not in category.pools:
        return APPLICATION_REQUIRED if pool in category.application_pools else NOT_COVERED
    if visit.referral == UNREFERRED and policy.unreferred_excluded:
        return UNREFERRED_REASON
    if (
        policy.checks_offsite_filing
        and not visit.in_city
        and not visit.offsite_filed
        and not policy.offsite_unfiled_covered
    ):
        return OFFSITE_NOT_FILED
    return None


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
    valid, valid_in_force = _candidates(policy, certifications, visit, day)
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
    reason = _reason(policy, visit, category, pool, in_force)
    if reason is not None and steps is not None:
        steps.append((explain.REASONS[reason], (day,)))
    ci = _critical_illness_tier(policy, ledger, visit, day, category, cost, deltas, steps)
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
    amounts, cut = _assistance_tiers(policy, category, pool, ledger, visit, base, deltas, steps)
    burden = base
    for amount in amounts:
        burden -= amount
    return ci, amounts, burden, CAP_REACHED if cut else None, pool


def _critical_illness_tier(
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


def _assistance_tiers(
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
    assistance, raw, eligible = _annual_tier(
        terms.deductible, terms.ratio, terms.cap, before, after, paid, rounding
    )
    if steps is not None:
        name = policy.pool_names_zh[pool]
        figures = (terms.deductible_text, before, after, eligible, terms.ratio_text, raw, name)
        steps.append((explain.ASSISTANCE, figures))
        steps.append(_cap_step(terms.cap, paid, assistance))
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
    pay, raw, eligible = _annual_tier(layer.threshold, layer.ratio, layer.cap, before, after, paid, rounding)
    if steps is not None:
        figures = (layer.threshold_text, before, after, eligible, layer.ratio_text, raw, layer.tier.name_zh)
        steps.append((layer.template, figures))
        steps.append(_cap_step(layer.cap, paid, pay))
    deltas[base_key] = residual
    deltas[paid_key] = pay
    return pay, pay < raw


def _annual_tier(
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


def _cap_step(cap: Decimal | None, paid: Decimal, pay: Decimal) -> Step:
    return (explain.NO_CAP, (pay,)) if cap is None else (explain.CAP, (cap, paid, pay))


# Applications ----------------------------------------------------------------------------------------


def _holds(policy: Policy, certifications: Sequence[Certification], category: str, day: date) -> bool:
    return any(
        policy.category_of(c.category) == category
        and c.valid_from <= day
        and (c.valid_to is None or day <= c.valid_to)
        for c in certifications
    )


def _rejected(
    application_id: str, reason: Reason, template: Template, figures: tuple[object, ...], ledger: Ledger
) -> ApplicationAssessment:
    explanation = (template.render(figures),)
    result = ApplicationResult(application_id, ApplicationStatus.REJECTED, ZERO, reason, explanation)
    return ApplicationAssessment(result, {}, ledger)


def _common_rejection(
    policy: Policy,
    certifications: Sequence[Certification],
    ledger: Ledger,
    application_id: str,
    day: date,
    rule_day: date,
) -> ApplicationAssessment | None:
    """SCENARIOS Clarification 19: not_in_force > no_category (the later checks are Beijing's)."""
    if day.year != policy.year:
        figures: tuple[object, ...] = (day, policy.year)
        return _rejected(
            application_id, Reason.OUTSIDE_YEAR, explain.APPLICATION_OUTSIDE_YEAR, figures, ledger
        )
    if not policy.in_force(rule_day):
        figures = (rule_day, policy.name_zh)
        return _rejected(
            application_id, Reason.NOT_IN_FORCE, explain.APPLICATION_NOT_IN_FORCE, figures, ledger
        )
    if not _holds(policy, certifications, Category.ILLNESS_IMPOVERISHED, day):
        return _rejected(application_id, Reason.NO_CATEGORY, explain.APPLICATION_NO_CATEGORY, (day,), ledger)
    return None


def _household_application(
    policy: Policy,
    terms: HouseholdTerms,
    certifications: Sequence[Certification],
    ledger: Ledger,
    application: BeijingHouseholdApplication,
    approved_this_year: int,
) -> ApplicationAssessment:
    """Beijing 因病致贫家庭重病患者: previous-year household burden through 30/40/50% bands, cap 150000.00."""
    day = application.date
    rule_day = day if terms.rule_date_is_application else date(application.cost_year, 12, 31)
    rejection = _common_rejection(policy, certifications, ledger, application.id, day, rule_day)
    if rejection is not None:
        return rejection
    expected_year = policy.year - terms.cost_year_offset
    if application.cost_year != expected_year:
        figures = (expected_year, application.cost_year)
        return _rejected(
            application.id, Reason.WRONG_COST_YEAR, explain.APPLICATION_WRONG_COST_YEAR, figures, ledger
        )
    if approved_this_year >= terms.max_per_year:
        return _rejected(
            application.id, Reason.ALREADY_APPLIED_THIS_YEAR, explain.APPLICATION_ALREADY_APPLIED, (), ledger
        )
    nets = [
        max(ZERO, m.policy_scope_burden - m.commercial_insurance_paid - m.other_assistance_paid)
        for m in application.household
    ]
    amounts = [sum(nets, ZERO)] if terms.aggregate_household else nets
    bands = CiSchedule(threshold=ZERO, segments=terms.brackets)
    lines = [explain.HOUSEHOLD_MEMBERS.render(("、".join(map(str, nets)), ", ".join(map(str, nets))))]
    pay = ZERO
    for amount in amounts:
        raw = round_half_up(bands.pay(ZERO, amount), policy.switches.rounding)
        paid = capped(raw, terms.cap, ZERO)
        pay += paid
        lines.append(explain.HOUSEHOLD_BANDS.render((amount, raw, terms.cap, paid)))
    result = ApplicationResult(application.id, ApplicationStatus.APPROVED, pay, None, tuple(lines))
    return ApplicationAssessment(result, {}, ledger)


def _illness_application(
    policy: Policy,
    terms: IllnessApplicationTerms,
    certifications: Sequence[Certification],
    ledger: Ledger,
    application: TianjinApplication,
) -> ApplicationAssessment:
    """Tianjin 依申请医疗救助: covered 住院 burdens above 25% of income, 50%, cap 100000.00 (TJ-AP2)."""
    day = application.date
    rejection = _common_rejection(policy, certifications, ledger, application.id, day, day)
    if rejection is not None:
        return rejection
    lines: list[Line] = []
    covered: list[str] = []
    added = ZERO
    for visit in application.covers_visits:
        if visit.visit_id in covered:
            continue
        if visit.type not in terms.visit_types or visit.discharged > day or visit.already_covered:
            lines.append(explain.UNCOVERED_VISIT.render((visit.visit_id,)))
            continue
        amount = max(ZERO, visit.personal_burden - visit.other_insurance_paid)
        added += amount
        covered.append(visit.visit_id)
        figures = (visit.visit_id, visit.personal_burden, visit.other_insurance_paid, amount)
        lines.append(explain.COVERED_VISIT.render(figures))
    before = ledger[APPLICATION_BASE] if terms.cumulative else ZERO
    after, paid = before + added, ledger[APPLICATION_PAID]
    pay, raw, eligible = _annual_tier(
        terms.deductible, terms.ratio, terms.cap, before, after, paid, policy.switches.rounding
    )
    ratio = percent_text(terms.ratio)
    tier = (amount_text(terms.deductible), before, after, eligible, ratio, raw, "")
    steps = ((explain.ILLNESS_APPLICATION, tier), _cap_step(terms.cap, paid, pay))
    lines.extend(template.render(figures) for template, figures in steps)
    deltas = {name: delta for name, delta in ((APPLICATION_BASE, added), (APPLICATION_PAID, pay)) if delta}
    result = ApplicationResult(
        application.id, ApplicationStatus.APPROVED, pay, None, tuple(lines), covered_visit_ids=tuple(covered)
    )
    return ApplicationAssessment(result, deltas, ledger.apply(deltas))


# A whole year ----------------------------------------------------------------------------------------


def settle_year(scenario: Scenario) -> YearResult:
    """Settle a scenario's visits, then its applications, on one ledger (SCENARIOS Clarification 1)."""
    policy = compile_policy(scenario.jurisdiction, scenario.year, scenario.parameters)
    visits, certifications = scenario.visits, scenario.certifications
    ledger = Ledger()
    # Results go back to input order: each loop below runs over a permutation of the indexes, so it fills
    # every slot once and no None is left when it ends (hence the casts, which cost nothing per item).
    visit_slots: list[VisitResult | None] = [None] * len(visits)
    for index in sorted(range(len(visits)), key=lambda i: visits[i].discharged):
        visit_assessment = settle_visit(policy, certifications, ledger, visits[index])
        visit_slots[index] = visit_assessment.result
        ledger = visit_assessment.ledger
    visit_results = cast("list[VisitResult]", visit_slots)

    by_id = {visit.id: (visit, result) for visit, result in zip(visits, visit_results, strict=True)}
    covered: set[str] = set()
    approved = 0
    applications = scenario.applications
    application_slots: list[ApplicationResult | None] = [None] * len(applications)
    for index in sorted(range(len(applications)), key=lambda i: applications[i].date):
        application = applications[index]
        if not isinstance(application, TianjinApplicationRequest):
            assessment = settle_application(policy, certifications, ledger, application, approved)
        else:
            facts = tuple(
                CoveredVisit(
                    visit_id=visit.id,
                    type=visit.type,
                    discharged=visit.discharged,
                    personal_burden=result.personal_burden,
                    other_insurance_paid=visit.other_insurance_paid,
                    already_covered=visit.id in covered,
                )
                for visit, result in (by_id[visit_id] for visit_id in application.covers_visits)
            )
            request = TianjinApplication(application.id, application.date, facts)
            assessment = settle_application(policy, certifications, ledger, request)
            covered.update(assessment.result.covered_visit_ids)
        if assessment.result.status == ApplicationStatus.APPROVED:
            approved += 1
        application_slots[index] = assessment.result
        ledger = assessment.ledger
    application_results = cast("list[ApplicationResult]", application_slots)

    return YearResult(
        visits=tuple(visit_results),
        applications=tuple(application_results),
        totals=_totals(visit_results, application_results),
        ledger=ledger,
    )


def _totals(visits: Sequence[VisitResult], applications: Sequence[ApplicationResult]) -> Totals:
    tiers: dict[str, Decimal] = {}
    for visit in visits:
        for tier in visit.tiers:
            tiers[tier.code] = tiers.get(tier.code, ZERO) + tier.amount
    return Totals(
        critical_illness_insurance=sum((v.critical_illness_insurance for v in visits), ZERO),
        tiers=tuple(tiers.items()),
        application_assistance=sum((a.assistance for a in applications), ZERO),
        personal_burden=sum((v.personal_burden for v in visits), ZERO),
    )
