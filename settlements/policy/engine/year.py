"""A whole year of one person: visits by discharge date, then applications by date (SCENARIOS
Clarification 1).
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import cast

from settlements.policy.base import ZERO
from settlements.policy.engine.applications import settle_application
from settlements.policy.engine.policies import compile_policy
from settlements.policy.engine.visits import settle_visit
from settlements.policy.results import ApplicationResult, Totals, VisitResult, YearResult
from settlements.policy.types import (
    ApplicationStatus,
    CoveredVisit,
    Ledger,
    Scenario,
    TianjinApplication,
    TianjinApplicationRequest,
)


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
