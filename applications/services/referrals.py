"""Civil affairs' and rural revitalization's reply to a referral (结果反馈): certify or decline."""

import datetime as dt

from django.db import transaction

from applications.errors import CaseError
from applications.models import AssistanceApplication
from applications.services.workflow import check_action, lock, take
from claimants import categories
from claimants import services as claimant_services
from claimants.models import Certification, User
from core.errors import DomainError


@transaction.atomic
def certify_referral(
    *,
    application: AssistanceApplication,
    by: User,
    valid_from: dt.date,
    reason: str,
    category: str = "",
    valid_to: dt.date | None = None,
    certificate_number: str = "",
    on: dt.date | None = None,
) -> AssistanceApplication:
    """结果反馈 (certified): record the identity through ``claimants.services.certify`` and reply."""
    application = lock(application)
    check_action(application, "certify", by)
    reason = reason.strip()
    if not reason:
        raise DomainError(CaseError.REASON_REQUIRED)
    category = category or application.requested_category
    if category not in categories.categories_of(application.claimant.jurisdiction):
        raise DomainError(CaseError.CATEGORY_NOT_APPLICABLE, category=category)
    if categories.certifying_department(category) != by.department:
        raise DomainError(
            CaseError.CATEGORY_OF_OTHER_DEPARTMENT, category=categories.CATEGORIES[category].label
        )
    certification = claimant_services.certify(
        by=by,
        claimant=application.claimant,
        category=category,
        valid_from=valid_from,
        valid_to=valid_to,
        certificate_number=certificate_number,
        source=Certification.Source.REFERRAL,
        note=reason,
    )
    return take(
        application,
        "certify",
        by=by,
        on=on,
        reason=reason,
        certification=certification,
        event_data={
            "certification": certification.pk,
            "category": category,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "certificate_number": certificate_number,
        },
    )


@transaction.atomic
def decline_referral(
    *, application: AssistanceApplication, by: User, reason: str, on: dt.date | None = None
) -> AssistanceApplication:
    """结果反馈 (not certified), with the reason."""
    application = lock(application)
    return take(application, "decline", by=by, on=on, reason=reason, reason_required=True)
