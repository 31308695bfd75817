"""What every action on an application shares: the region, state and role check, the transition with its
deadline and case event, the hooks higher layers connect."""

import datetime as dt

from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from applications import deadlines, events
from applications.errors import CaseError
from applications.models import AssistanceApplication, CaseEvent, State
from claimants.hooks import Hook
from claimants.models import User
from core.errors import DomainError
from core.regions import in_region

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


def changed(application: AssistanceApplication, before: tuple | None, event: CaseEvent) -> None:
    APPLICATION_FOLLOWERS.call(application=application, before=before, event=event)


def today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def lock(application: AssistanceApplication) -> AssistanceApplication:
    return (
        AssistanceApplication.objects.select_for_update(of=("self",))
        .select_related("claimant__hukou_region")
        .get(pk=application.pk)
    )


def check_action(application: AssistanceApplication, action: str, by: User) -> None:
    """Region, then state, then role (and department): raise the first refusal that applies."""
    label = ACTION_EVENTS[action].label
    if not in_region(application.region_id, by):
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


def take(
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
    application.due_on = deadlines.due_date(application.state, today(on))
    application.save()
    event = events.application_event(
        application=application,
        kind=ACTION_EVENTS[action],
        by=by,
        from_state=from_state,
        reason=reason,
        **(event_data or {}),
    )
    changed(application, before, event)
    return application
