"""One application: Beijing annual household aid (BJ-II1) or Tianjin 依申请医疗救助 (TJ-AP2)."""

from collections.abc import Sequence
from datetime import date

from settlements.policy import explain
from settlements.policy.base import ZERO, amount_text, capped, percent_text, round_half_up
from settlements.policy.engine.tiers import annual_tier, cap_step
from settlements.policy.errors import PolicyInputError
from settlements.policy.explain import Line, Template
from settlements.policy.results import ApplicationAssessment, ApplicationResult
from settlements.policy.rules import (
    CiSchedule,
    HouseholdTerms,
    IllnessApplicationTerms,
    Policy,
)
from settlements.policy.types import (
    Application,
    ApplicationStatus,
    BeijingHouseholdApplication,
    Category,
    Certification,
    Counter,
    Ledger,
    Reason,
    TianjinApplication,
)

# Counter names as stored (plain strings).
APPLICATION_BASE, APPLICATION_PAID = Counter.APPLICATION_BASE.value, Counter.APPLICATION_PAID.value


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
    pay, raw, eligible = annual_tier(
        terms.deductible, terms.ratio, terms.cap, before, after, paid, policy.switches.rounding
    )
    ratio = percent_text(terms.ratio)
    tier = (amount_text(terms.deductible), before, after, eligible, ratio, raw, "")
    steps = ((explain.ILLNESS_APPLICATION, tier), cap_step(terms.cap, paid, pay))
    lines.extend(template.render(figures) for template, figures in steps)
    deltas = {name: delta for name, delta in ((APPLICATION_BASE, added), (APPLICATION_PAID, pay)) if delta}
    result = ApplicationResult(
        application.id, ApplicationStatus.APPROVED, pay, None, tuple(lines), covered_visit_ids=tuple(covered)
    )
    return ApplicationAssessment(result, deltas, ledger.apply(deltas))
