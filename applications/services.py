"""Business actions on assistance applications. Each is one transaction: it locks the application row,
checks region, role and state, takes the transition, records the case event, and returns the application.

Refusals are ``DomainError(CaseError.X)``; views, admin, the API and commands all call these functions.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from applications import deadlines, documents, events, kinds, review
from applications.errors import CaseError
from applications.models import (
    APPLICABLE_CATEGORIES,
    DIRECT_CATEGORIES,
    ApplicationDocument,
    AssistanceApplication,
    CaseEvent,
    CoveredVisit,
    State,
)
from claimants import categories, roles
from claimants import services as claimant_services
from claimants.errors import DomainError
from claimants.hooks import Hook
from claimants.models import Certification, Claimant, User
from claimants.selectors import certifications_in_force
from settlements.models import Visit

STATEMENT_MAX_LENGTH = 2000  # 申请事由: a paragraph or two; the documents carry the rest

ACTION_EVENTS = {
    "accept": CaseEvent.Kind.ACCEPTED,
    "refuse": CaseEvent.Kind.REFUSED,
    "refer": CaseEvent.Kind.REFERRED,
    "certify": CaseEvent.Kind.CERTIFIED,
    "decline": CaseEvent.Kind.DECLINED,
    "approve": CaseEvent.Kind.APPROVED,
    "send_back": CaseEvent.Kind.RETURNED,
    "resubmit": CaseEvent.Kind.RESUBMITTED,
    "reject": CaseEvent.Kind.REJECTED,
    "pay": CaseEvent.Kind.PAID,
    "close": CaseEvent.Kind.CLOSED,
    "withdraw": CaseEvent.Kind.WITHDRAWN,
}


# Called in the action's transaction after each change to an application, with the application, its
# ``(state, due_on)`` before the action (None when it is new) and the case event written: figures kept
# elsewhere (the dashboards' roll-ups; ``settlements`` may not import ``monitoring``, which registers them in
# its ``AppConfig.ready``) change in the same transaction as the application.
APPLICATION_FOLLOWERS = Hook("application followers")


# Functions of higher layers that describe an application's payment (the payment batch holding it, its
# state): ``describer(application=, user=)`` returns a dict for the detail page (``batch``, ``url`` when the
# user may open the batch, ``state``, ``failure``), or None. ``payments`` connects it.
PAYMENT_DESCRIBERS = Hook("application payment describers")


def payment_of(application: AssistanceApplication, user: User) -> dict | None:
    """What the connected describers say of the application's payment (the first that knows it)."""
    return next(
        (found for found in PAYMENT_DESCRIBERS.call(application=application, user=user) if found), None
    )


def _changed(application: AssistanceApplication, before: tuple | None, event: CaseEvent) -> None:
    APPLICATION_FOLLOWERS.call(application=application, before=before, event=event)


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _in_region(region_code: str, user: User) -> bool:
    return bool(user.region_id) and region_code.startswith(user.region_id)


def _lock(application: AssistanceApplication) -> AssistanceApplication:
    return (
        AssistanceApplication.objects.select_for_update(of=("self",))
        .select_related("claimant__hukou_region")
        .get(pk=application.pk)
    )


def check_action(application: AssistanceApplication, action: str, by: User) -> None:
    """Region, then state, then role (and department): raise the first refusal that applies."""
    label = ACTION_EVENTS[action].label
    if not _in_region(application.region_id, by):
        raise DomainError(CaseError.OUTSIDE_REGION)
    method = getattr(application, action)
    if not can_proceed(method):
        raise DomainError(CaseError.INVALID_TRANSITION, state=application.get_state_display(), action=label)
    if not has_transition_perm(method, by):
        raise DomainError(CaseError.ROLE_NOT_ALLOWED, action=label)


def action_roles(action: str) -> frozenset[str]:
    """The roles that may take the action in some state: what its transitions' permissions admit."""
    transitions = getattr(AssistanceApplication, action)._django_fsm.transitions.values()
    return frozenset(role for t in transitions for role in t.permission.roles)


# Actions no page offers: payment is made by the bank result import of a payment batch.
BATCH_ACTIONS = frozenset({"pay"})


def allowed_actions(application: AssistanceApplication, user: User) -> list[str]:
    """The actions the user may take on the application's page now. An approved amount is paid through a
    payment batch before the case is closed; a nil approval is closed at once, with nothing to pay."""
    allowed = []
    for action in ACTION_EVENTS:
        if action in BATCH_ACTIONS:
            continue
        try:
            check_action(application, action, user)
        except DomainError:
            continue
        if application.state == State.APPROVED and action == "close" and application.assessed_amount:
            continue
        allowed.append(action)
    return allowed


def _take(
    application: AssistanceApplication,
    action: str,
    *,
    by: User,
    on: dt.date | None,
    reason: str = "",
    reason_required: bool = False,
    event_data: dict | None = None,
    **kwargs,
) -> AssistanceApplication:
    check_action(application, action, by)
    reason = reason.strip()
    if reason_required and not reason:
        raise DomainError(CaseError.REASON_REQUIRED)
    from_state = application.state
    before = (application.state, application.due_on)
    getattr(application, action)(**kwargs)
    application.due_on = deadlines.due_date(application.state, _today(on))
    application.save()
    event = events.application_event(
        application=application,
        kind=ACTION_EVENTS[action],
        by=by,
        from_state=from_state,
        reason=reason,
        **(event_data or {}),
    )
    _changed(application, before, event)
    return application


# Registration ---------------------------------------------------------------------------------------------


def _direct_category_held(claimant: Claimant, on: dt.date) -> str | None:
    held = certifications_in_force(claimant=claimant, start=on, end=on).filter(category__in=DIRECT_CATEGORIES)
    category = held.values_list("category", flat=True).first()
    return category


def _check_requested_category(claimant: Claimant, kind: str, category: str, on: dt.date) -> str:
    spec = kinds.offered(kind, claimant.jurisdiction)
    if spec is None:
        raise DomainError(CaseError.KIND_NOT_IN_JURISDICTION)
    category = spec.category or category
    if spec.category_required and not category:
        raise DomainError(CaseError.CATEGORY_REQUIRED)
    if category and (
        category not in APPLICABLE_CATEGORIES
        or category not in categories.categories_of(claimant.jurisdiction)
    ):
        raise DomainError(CaseError.CATEGORY_NOT_APPLICABLE, category=category)
    if not spec.for_direct_categories:
        # NAT-18 / MY workflow 2: 特困、孤儿、低保 are assisted directly and need no application.
        direct = _direct_category_held(claimant, on)
        if direct:
            raise DomainError(
                CaseError.ALREADY_CERTIFIED_DIRECT, category=categories.CATEGORIES[direct].label
            )
    return category


def _visits_assisted(
    visit_ids: Sequence[int], *, kind: str, excluding_application: int | None = None
) -> set[int]:
    """Visits already given assistance: covered by an approved application, or, for the kinds that settle
    their visits themselves, settled already (one-stop or by an earlier claim)."""
    covered = CoveredVisit.objects.filter(visit_id__in=visit_ids, approved=True)
    if excluding_application is not None:
        covered = covered.exclude(application_id=excluding_application)
    assisted = set(covered.values_list("visit_id", flat=True))
    if kinds.settles_visits(kind):
        assisted |= review.settled_visit_ids(visit_ids)
    return assisted


def _check_visits(claimant: Claimant, kind: str, visits: Sequence[Visit]) -> list[Visit]:
    visits = list({v.pk: v for v in visits}.values())
    spec = kinds.get(kind)
    if spec is None:  # a kind of a package no longer installed
        raise DomainError(CaseError.KIND_NOT_IN_JURISDICTION)
    if not visits and spec.visits_required:
        raise DomainError(CaseError.VISITS_REQUIRED)
    for visit in visits:
        same_person = visit.claimant_id == claimant.pk
        # Beijing's annual aid sums the burdens of the whole household (A-BJ3).
        same_household = (
            spec.household_visits
            and claimant.household_id is not None
            and visit.claimant.household_id == claimant.household_id
        )
        if not (same_person or same_household):
            raise DomainError(CaseError.VISIT_NOT_OF_CLAIMANT, visit=str(visit))
    assisted = _visits_assisted([v.pk for v in visits], kind=kind)
    if assisted:
        visit = next(v for v in visits if v.pk in assisted)
        raise DomainError(CaseError.VISIT_ALREADY_ASSISTED, visit=str(visit))
    return visits


@transaction.atomic
def register_application(
    *,
    by: User,
    claimant: Claimant,
    kind: str,
    visits: Sequence[Visit] = (),
    requested_category: str = "",
    statement: str = "",
    submitted_on: dt.date | None = None,
) -> AssistanceApplication:
    """Register a written application at the township office (书面申请, 委托代办 included)."""
    if not _in_region(claimant.hukou_region_id, by):
        raise DomainError(CaseError.OUTSIDE_REGION)
    if by.role != roles.CASEWORKER:
        raise DomainError(CaseError.ROLE_NOT_ALLOWED, action=CaseEvent.Kind.REGISTERED.label)
    submitted_on = _today(submitted_on)
    # The day the written application was handed in: not before 2000 and not after today (it starts the
    # time limits).
    claimant_services.check_date(submitted_on, label=_("申请日期"), not_after=timezone.localdate())
    if len(statement) > STATEMENT_MAX_LENGTH:
        raise DomainError(CaseError.STATEMENT_TOO_LONG, limit=STATEMENT_MAX_LENGTH)
    requested_category = _check_requested_category(claimant, kind, requested_category, submitted_on)
    visits = _check_visits(claimant, kind, visits)
    application = AssistanceApplication.objects.create(
        kind=kind,
        claimant=claimant,
        region_id=claimant.hukou_region_id,
        requested_category=requested_category,
        submitted_on=submitted_on,
        aid_year=submitted_on.year,
        statement=statement.strip(),
        due_on=deadlines.due_date(State.SUBMITTED, submitted_on),
        created_by=by,
    )
    CoveredVisit.objects.bulk_create(CoveredVisit(application=application, visit=v) for v in visits)
    event = events.application_event(
        application=application, kind=CaseEvent.Kind.REGISTERED, by=by, visits=[v.pk for v in visits]
    )
    _changed(application, None, event)
    return application


@transaction.atomic
def add_document(*, application: AssistanceApplication, by: User, kind: str, uploaded) -> ApplicationDocument:
    """Attach a supporting document (checked by content, stored outside the web root)."""
    application = _lock(application)
    if not _in_region(application.region_id, by):
        raise DomainError(CaseError.OUTSIDE_REGION)
    if by.role not in (roles.CASEWORKER, roles.REVIEWER, roles.CIVIL, roles.RURAL):
        raise DomainError(CaseError.ROLE_NOT_ALLOWED, action=CaseEvent.Kind.DOCUMENT_ADDED.label)
    document = documents.store(application=application, by=by, kind=kind, uploaded=uploaded)
    event = events.application_event(
        application=application,
        kind=CaseEvent.Kind.DOCUMENT_ADDED,
        by=by,
        from_state=application.state,
        document=document.pk,
        name=document.original_name,
    )
    _changed(application, (application.state, application.due_on), event)
    return document


# Township office ------------------------------------------------------------------------------------------


@transaction.atomic
def accept_application(
    *, application: AssistanceApplication, by: User, reason: str = "", on: dt.date | None = None
) -> AssistanceApplication:
    """受理: the township office accepts the written application."""
    application = _lock(application)
    return _take(application, "accept", by=by, on=on, reason=reason)


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
    application = _lock(application)
    return _take(application, "refuse", by=by, on=on, reason=reason, reason_required=True)


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
    application = _lock(application)
    check_action(application, "refer", by)
    category = category or application.requested_category
    if not category:
        raise DomainError(CaseError.CATEGORY_REQUIRED)
    if category != application.requested_category:
        application.requested_category = _check_requested_category(
            application.claimant, application.kind, category, application.submitted_on
        )
    if identity_certified(application, _today(on)):
        raise DomainError(
            CaseError.IDENTITY_ALREADY_CERTIFIED, category=categories.CATEGORIES[category].label
        )
    department = categories.certifying_department(category)
    return _take(
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
    application = _lock(application)
    check_action(application, "resubmit", by)
    data = {}
    if visits is not None:
        visits = _check_visits(application.claimant, application.kind, visits)
        application.covered_visits.exclude(visit__in=visits).delete()
        existing = set(application.covered_visits.values_list("visit_id", flat=True))
        CoveredVisit.objects.bulk_create(
            CoveredVisit(application=application, visit=v) for v in visits if v.pk not in existing
        )
        data["visits"] = [v.pk for v in visits]
    return _take(application, "resubmit", by=by, on=on, reason=reason, reason_required=True, event_data=data)


@transaction.atomic
def withdraw_application(
    *, application: AssistanceApplication, by: User, reason: str, on: dt.date | None = None
) -> AssistanceApplication:
    """The applicant withdraws (recorded by the township office) at any open step before the decision."""
    application = _lock(application)
    return _take(application, "withdraw", by=by, on=on, reason=reason, reason_required=True)


# Civil affairs / rural revitalization ---------------------------------------------------------------------


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
    application = _lock(application)
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
    return _take(
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
    application = _lock(application)
    return _take(application, "decline", by=by, on=on, reason=reason, reason_required=True)


# Medical security -----------------------------------------------------------------------------------------


@transaction.atomic
def approve_application(
    *, application: AssistanceApplication, by: User, reason: str = "", on: dt.date | None = None
) -> AssistanceApplication:
    """审核确认: the engine computes the assistance for the covered visits; the visits become covered."""
    application = _lock(application)
    check_action(application, "approve", by)
    on = _today(on)
    if not identity_certified(application, application.submitted_on) and not identity_certified(
        application, on
    ):
        raise DomainError(CaseError.IDENTITY_NOT_CERTIFIED)
    links = list(application.covered_visits.select_related("visit").order_by("visit_id"))
    assisted = _visits_assisted(
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
            application = _take(
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
    application = _lock(application)
    return _take(application, "send_back", by=by, on=on, reason=reason, reason_required=True)


@transaction.atomic
def reject_application(
    *, application: AssistanceApplication, by: User, reason: str, on: dt.date | None = None
) -> AssistanceApplication:
    application = _lock(application)
    return _take(application, "reject", by=by, on=on, reason=reason, reason_required=True)


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
    application = _lock(application)
    check_action(application, "pay", by)
    if amount != application.assessed_amount or amount <= 0:
        raise DomainError(CaseError.PAYMENT_AMOUNT_MISMATCH, amount=application.assessed_amount)
    return _take(
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
    application = _lock(application)
    check_action(application, "close", by)
    if application.state == State.APPROVED and application.assessed_amount:
        raise DomainError(CaseError.CLOSE_NEEDS_PAYMENT)
    return _take(application, "close", by=by, on=on, reason=reason)
