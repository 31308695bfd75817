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

from settlements.policy.engine.applications import settle_application
from settlements.policy.engine.policies import Config, compile_policy, fund_of
from settlements.policy.engine.visits import settle_visit
from settlements.policy.engine.year import settle_year
from settlements.policy.results import ApplicationAssessment, VisitAssessment
from settlements.policy.types import Application, Certification, Ledger, Parameters, Visit

__all__ = [
    "RULES_REVISION",
    "assess_application",
    "assess_visit",
    "compile_policy",
    "fund_of",
    "settle_application",
    "settle_visit",
    "settle_year",
]

# The reading of the rules a settlement was made under. Bumped whenever a reading changes what a visit is
# paid, so that settlements made before can be listed for resettlement: 1 the first reading; 2
# SCENARIOS Clarifications 22-25 (best category by burden, supplementary insurance before assistance,
# employee-insured visits, the paying fund).
RULES_REVISION = 2


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
