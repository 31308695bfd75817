"""The medical-security review of an application: what the settlement service and the engine pay for it.

No rule is written here. A claim for costs paid in advance (and a certification request that covers
visits) settles each covered visit through ``settlements.services.settle_visit`` with the application date
(A-MY8: same-year costs before certification are paid by written application). Beijing's annual household
aid and Tianjin's 依申请医疗救助 are decided by the engine's ``assess_application`` on the burdens the
settlements of the covered visits left, against the person's ledger (Tianjin's counters are cumulative).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from applications import kinds
from applications.errors import CaseError
from applications.models import AssistanceApplication
from claimants.models import Certification
from core.errors import DomainError
from jurisdictions.spec import HOUSEHOLD_AID
from settlements import adapter, locks
from settlements import services as settlement_services
from settlements.context import policy_year_for
from settlements.models import Settlement, Visit
from settlements.policy import types as policy
from settlements.policy.engine import assess_application
from settlements.policy.errors import PolicyInputError

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Outcome:
    amount: Decimal
    lines: list[str]


def settled_visit_ids(visit_ids: Iterable[int]) -> set[int]:
    """Visits with a settlement in force (one-stop or by an earlier claim)."""
    return set(
        Settlement.objects.filter(visit_id__in=list(visit_ids), reversed_at__isnull=True).values_list(
            "visit_id", flat=True
        )
    )


def annual_grant_key(application: AssistanceApplication) -> str | None:
    """A kind granted once a year per household (Beijing's annual household aid): the key that makes a second
    grant in the year impossible."""
    kind = kinds.get(application.kind)
    if kind is None or not kind.once_a_year:
        return None
    claimant = application.claimant
    holder = f"h{claimant.household_id}" if claimant.household_id else f"c{claimant.pk}"
    return f"{kind.code}:{holder}:{application.aid_year}"


def assess(*, application: AssistanceApplication, visits: Sequence[Visit], by, on: dt.date) -> Outcome:
    if kinds.settles_visits(application.kind):
        return _settle_covered_visits(application, visits, by)
    return _assess_with_engine(application, visits)


def _settle_covered_visits(application, visits, by) -> Outcome:
    if not visits:
        return Outcome(ZERO, ["不含就医费用，核定救助金额0.00"])
    total, lines = ZERO, []
    for visit in visits:
        settlement = settlement_services.settle_visit(visit=visit, by=by, settled_on=application.submitted_on)
        paid = settlement.assistance
        total += paid
        with translation.override(settings.LANGUAGE_CODE):  # stored in Chinese, as the engine's lines are
            lines.append(f"{visit}：救助{paid}")
        lines.extend(f"　{line['zh']}" for line in settlement.explanation)
    lines.append(f"合计核定救助金额{total}")
    return Outcome(total, lines)


def _settlements_of(visits: Sequence[Visit]) -> dict[int, Settlement]:
    settlements = {
        s.visit_id: s
        for s in Settlement.objects.filter(visit__in=visits, reversed_at__isnull=True).select_related("visit")
    }
    missing = [v for v in visits if v.pk not in settlements]
    if missing:
        raise DomainError(
            CaseError.NOT_ASSESSABLE, detail=_("就医记录尚未结算：%(visit)s") % {"visit": missing[0]}
        )
    return settlements


def _certifications(claimant, year: int):
    rows = (
        Certification.objects.filter(claimant=claimant, valid_from__lte=dt.date(year, 12, 31))
        .exclude(status=Certification.Status.REVOKED)
        .exclude(valid_to__lt=dt.date(year, 1, 1))
    )
    return adapter.certifications_of(rows)


def _request(application, visits, settlements):
    identifier = application.number
    kind = kinds.get(application.kind)
    if kind is not None and kind.assessment == HOUSEHOLD_AID:
        burdens: dict[int, list[Settlement]] = {}
        for visit in visits:
            burdens.setdefault(visit.claimant_id, []).append(settlements[visit.pk])
        members = tuple(
            policy.HouseholdMember(
                policy_scope_burden=sum((s.personal_burden for s in rows), ZERO),
                commercial_insurance_paid=sum((s.visit.other_insurance_paid for s in rows), ZERO),
            )
            for rows in burdens.values()
        )
        return policy.BeijingHouseholdApplication(
            identifier, application.submitted_on, application.aid_year - 1, members
        )
    covered = tuple(
        policy.CoveredVisit(
            visit_id=str(v.pk),
            type=v.visit_type,
            discharged=v.discharged,
            personal_burden=settlements[v.pk].personal_burden,
            other_insurance_paid=v.other_insurance_paid,
        )
        for v in visits
    )
    return policy.TianjinApplication(identifier, application.submitted_on, covered)


def _assess_with_engine(application: AssistanceApplication, visits: Sequence[Visit]) -> Outcome:
    claimant, year = application.claimant, application.aid_year
    policy_year = policy_year_for(jurisdiction=claimant.jurisdiction, year=year)
    request = _request(application, visits, _settlements_of(visits))
    rows = locks.lock_ledger(claimant_id=claimant.pk, year=year)
    try:
        assessment = assess_application(
            jurisdiction=policy_year.jurisdiction,
            year=year,
            parameters=adapter.parameters_of(policy_year),
            certifications=_certifications(claimant, year),
            ledger=adapter.ledger_of(rows.values()),
            application=request,
        )
    except PolicyInputError as exc:
        raise DomainError(CaseError.NOT_ASSESSABLE, detail=str(exc)) from exc
    result = assessment.result
    lines = [line.zh for line in result.explanation]
    if result.status != policy.ApplicationStatus.APPROVED:
        raise DomainError(CaseError.NOT_ASSESSABLE, detail="；".join(lines))
    locks.lock_extra_counters(claimant_id=claimant.pk, year=year, rows=rows, names=assessment.deltas)
    locks.add_to_counters(rows, assessment.deltas)
    return Outcome(result.assistance, lines)
