"""The township office's actions: acceptance (受理), refusal, referral (分办转办), resubmission, withdrawal."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from applications.errors import CaseError
from applications.models import AssistanceApplication, CoveredVisit
from applications.services.registration import check_requested_category, check_visits
from applications.services.workflow import check_action, lock, take, today
from claimants import categories
from claimants.models import User
from claimants.selectors import certifications_in_force
from core.errors import DomainError
from settlements.models import Visit


@transaction.atomic
def accept_application(
    *, application: AssistanceApplication, by: User, reason: str = "", on: dt.date | None = None
) -> AssistanceApplication:
    """受理: the township office accepts the written application."""
    application = lock(application)
    return take(application, "accept", by=by, on=on, reason=reason)


@dataclass(frozen=True)
class BulkOutcome:
    application_id: int
    ok: bool
    message: str


def accept_applications(*, application_ids: Iterable[int], by: User) -> list[BulkOutcome]:
    """Accept several applications, each in its own transaction; report per item."""
    outcomes = []
    for pk in sorted(set(application_ids)):
        application = AssistanceApplication.objects.filter(pk=pk).first()
        if application is None:
            outcomes.append(BulkOutcome(pk, False, str(CaseError.OUTSIDE_REGION.label)))
            continue
        try:
            accept_application(application=application, by=by)
        except DomainError as exc:
            outcomes.append(BulkOutcome(pk, False, exc.message))
        else:
            outcomes.append(BulkOutcome(pk, True, ""))
    return outcomes


@transaction.atomic
def refuse_application(
    *, application: AssistanceApplication, by: User, reason: str, on: dt.date | None = None
) -> AssistanceApplication:
    """不予受理, with all reasons given at once (一次性告知)."""
    application = lock(application)
    return take(application, "refuse", by=by, on=on, reason=reason, reason_required=True)


def identity_certified(application: AssistanceApplication, on: dt.date) -> bool:
    """Whether the claimant holds the identity the application rests on, valid on ``on``."""
    held = certifications_in_force(claimant=application.claimant, start=on, end=on)
    if application.requested_category:
        return held.filter(category=application.requested_category).exists()
    return held.exists()


@transaction.atomic
def refer_application(
    *,
    application: AssistanceApplication,
    by: User,
    category: str = "",
    reason: str = "",
    on: dt.date | None = None,
) -> AssistanceApplication:
    """分办转办: send the identity question to civil affairs or rural revitalization of the same region."""
    application = lock(application)
    check_action(application, "refer", by)
    category = category or application.requested_category
    if not category:
        raise DomainError(CaseError.CATEGORY_REQUIRED)
    if category != application.requested_category:
        application.requested_category = check_requested_category(
            application.claimant, application.kind, category, application.submitted_on
        )
    if identity_certified(application, today(on)):
        raise DomainError(
            CaseError.IDENTITY_ALREADY_CERTIFIED, category=categories.CATEGORIES[category].label
        )
    department = categories.certifying_department(category)
    return take(
        application,
        "refer",
        by=by,
        on=on,
        reason=reason,
        department=department,
        event_data={"department": department, "category": category},
    )


@transaction.atomic
def resubmit_application(
    *,
    application: AssistanceApplication,
    by: User,
    reason: str,
    visits: Sequence[Visit] | None = None,
    on: dt.date | None = None,
) -> AssistanceApplication:
    """After a return for correction (退回补正): send the corrected application back to review."""
    application = lock(application)
    check_action(application, "resubmit", by)
    data = {}
    if visits is not None:
        visits = check_visits(application.claimant, application.kind, visits)
        application.covered_visits.exclude(visit__in=visits).delete()
        existing = set(application.covered_visits.values_list("visit_id", flat=True))
        CoveredVisit.objects.bulk_create(
            CoveredVisit(application=application, visit=v) for v in visits if v.pk not in existing
        )
        data["visits"] = [v.pk for v in visits]
    return take(application, "resubmit", by=by, on=on, reason=reason, reason_required=True, event_data=data)


@transaction.atomic
def withdraw_application(
    *, application: AssistanceApplication, by: User, reason: str, on: dt.date | None = None
) -> AssistanceApplication:
    """The applicant withdraws (recorded by the township office) at any open step before the decision."""
    application = lock(application)
    return take(application, "withdraw", by=by, on=on, reason=reason, reason_required=True)
