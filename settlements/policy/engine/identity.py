"""Which categories a visit can be settled under (SCENARIOS Clarifications 4, 7 and 13), and the reason a
visit gets no regular assistance (Clarification 5).
"""

from collections.abc import Sequence
from datetime import date
from operator import attrgetter

from settlements.policy.errors import PolicyInputError, Problem
from settlements.policy.rules import (
    CategoryTerms,
    Policy,
)
from settlements.policy.types import (
    Category,
    Certification,
    Pool,
    Reason,
    Referral,
    Visit,
)

# Members the per-visit path uses as module names (an enum member lookup costs about 0.2 microseconds on
# Python 3.11).
NOT_IN_FORCE, NOT_COVERED, NO_CATEGORY = Reason.NOT_IN_FORCE, Reason.NOT_COVERED, Reason.NO_CATEGORY
APPLICATION_REQUIRED, UNREFERRED_REASON = Reason.APPLICATION_REQUIRED, Reason.UNREFERRED
OFFSITE_NOT_FILED = Reason.OFFSITE_NOT_FILED
UNREFERRED, OTHER_SPECIAL = Referral.UNREFERRED, Category.OTHER_SPECIAL


def valid_categories(
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


def visit_reason(
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
