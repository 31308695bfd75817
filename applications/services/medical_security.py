"""Medical security's actions: review (审核) with its preview, return, rejection, payment, closing."""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from applications import review
from applications.errors import CaseError
from applications.models import AssistanceApplication, State
from applications.services.registration import visits_assisted
from applications.services.township import identity_certified
from applications.services.workflow import check_action, lock, take, today
from claimants.models import User
from core.errors import DomainError


@transaction.atomic
def approve_application(
    *, application: AssistanceApplication, by: User, reason: str = "", on: dt.date | None = None
) -> AssistanceApplication:
    """审核确认: the engine computes the assistance for the covered visits; the visits become covered."""
    application = lock(application)
    check_action(application, "approve", by)
    on = today(on)
    if not identity_certified(application, application.submitted_on) and not identity_certified(
        application, on
    ):
        raise DomainError(CaseError.IDENTITY_NOT_CERTIFIED)
    links = list(application.covered_visits.select_related("visit").order_by("visit_id"))
    assisted = visits_assisted(
        [link.visit_id for link in links], kind=application.kind, excluding_application=application.pk
    )
    if assisted:
        visit = next(link.visit for link in links if link.visit_id in assisted)
        raise DomainError(CaseError.VISIT_ALREADY_ASSISTED, visit=str(visit))
    grant_key = review.annual_grant_key(application)
    if grant_key and AssistanceApplication.objects.filter(annual_grant_key=grant_key).exists():
        raise DomainError(CaseError.ALREADY_GRANTED_THIS_YEAR)
    outcome = review.assess(application=application, visits=[link.visit for link in links], by=by, on=on)
    try:
        with transaction.atomic():
            application = take(
                application,
                "approve",
                by=by,
                on=on,
                reason=reason,
                amount=outcome.amount,
                lines=outcome.lines,
                annual_grant_key=grant_key,
                event_data={"amount": str(outcome.amount), "visits": [link.visit_id for link in links]},
            )
            application.covered_visits.update(approved=True)
    except IntegrityError as exc:  # a concurrent approval covering the same visit or household-year
        code = CaseError.ALREADY_GRANTED_THIS_YEAR if grant_key else CaseError.VISIT_ALREADY_ASSISTED
        raise DomainError(code, visit="") from exc
    return application


def preview_approval(
    *, application: AssistanceApplication, by: User, on: dt.date | None = None
) -> review.Outcome:
    """审核预览: what approving now would assess, shown to the reviewer before they decide.

    The approval itself runs (every check, the settlement of each covered visit against the ledger, the
    engine) and is rolled back, so the preview cannot differ from what the button then stores. Raises the
    approval's ``DomainError`` when it would be refused.
    """
    with transaction.atomic():
        approved = approve_application(application=application, by=by, on=on)
        transaction.set_rollback(True)
    return review.Outcome(approved.assessed_amount, list(approved.assessment))


@transaction.atomic
def return_application(
    *, application: AssistanceApplication, by: User, reason: str, on: dt.date | None = None
) -> AssistanceApplication:
    """退回补正: back to the township office with everything to correct, stated at once."""
    application = lock(application)
    return take(application, "send_back", by=by, on=on, reason=reason, reason_required=True)


@transaction.atomic
def reject_application(
    *, application: AssistanceApplication, by: User, reason: str, on: dt.date | None = None
) -> AssistanceApplication:
    application = lock(application)
    return take(application, "reject", by=by, on=on, reason=reason, reason_required=True)


@transaction.atomic
def record_payment(
    *,
    application: AssistanceApplication,
    by: User,
    amount: Decimal,
    paid_on: dt.date,
    reference: str,
    on: dt.date | None = None,
) -> AssistanceApplication:
    """Record the payment of the approved amount (amount, date, payment reference): called by the bank
    result import of the payment batch that paid it (``payments.services.import_bank_results``)."""
    application = lock(application)
    check_action(application, "pay", by)
    if amount != application.assessed_amount or amount <= 0:
        raise DomainError(CaseError.PAYMENT_AMOUNT_MISMATCH, amount=application.assessed_amount)
    return take(
        application,
        "pay",
        by=by,
        on=on or paid_on,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip(),
        event_data={"amount": str(amount), "paid_on": paid_on.isoformat(), "reference": reference.strip()},
    )


@transaction.atomic
def close_application(
    *, application: AssistanceApplication, by: User, reason: str = "", on: dt.date | None = None
) -> AssistanceApplication:
    """办结: after payment, or at once when the approved amount is nil."""
    application = lock(application)
    check_action(application, "close", by)
    if application.state == State.APPROVED and application.assessed_amount:
        raise DomainError(CaseError.CLOSE_NEEDS_PAYMENT)
    return take(application, "close", by=by, on=on, reason=reason)
