"""Reads of applications, always from the user's scope: their region subtree, and for a civil-affairs or
rural-revitalization officer only what was referred to their department."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from applications.models import OPEN_STATES, AssistanceApplication, CaseEvent, CoveredVisit, State
from claimants import roles
from claimants.models import Claimant, Region, User
from claimants.selectors import office_region_name
from core.regions import region_filter
from core.roles import DEPARTMENT_OFFICERS
from settlements.models import Visit

# The states that wait for each role's action: the role's inbox (待办).
INBOX_STATES = {
    roles.CASEWORKER: (State.SUBMITTED, State.ACCEPTED, State.RETURNED),
    roles.CIVIL: (State.REFERRED,),
    roles.RURAL: (State.REFERRED,),
    roles.REVIEWER: (State.ACCEPTED, State.CERTIFIED, State.APPROVED, State.PAID),
    roles.MANAGER: OPEN_STATES,
    roles.ADMIN: OPEN_STATES,
}


def applications_visible_to(user: User) -> QuerySet[AssistanceApplication]:
    applications = AssistanceApplication.objects.filter(**region_filter(user, "region"))
    if user.role in DEPARTMENT_OFFICERS:
        applications = applications.filter(referred_department=user.department)
    return applications


def get_application_for_user(*, user: User, application_id: int) -> AssistanceApplication:
    # Missing and out of scope look the same (404).
    return get_object_or_404(
        applications_visible_to(user).select_related("claimant", "region", "created_by", "certification"),
        pk=application_id,
    )


def inbox(user: User) -> QuerySet[AssistanceApplication]:
    """What waits for this user's action. A caseworker's accepted applications wait for a referral only when
    they carry a category to certify; the rest of ACCEPTED waits for the reviewer."""
    applications = applications_visible_to(user).filter(state__in=INBOX_STATES.get(user.role, ()))
    if user.role == roles.CASEWORKER:
        applications = applications.exclude(Q(state=State.ACCEPTED) & Q(requested_category=""))
    return applications


def inbox_count(user: User) -> int:
    return inbox(user).count() if user.region_id else 0


def overdue(applications: QuerySet[AssistanceApplication], today: dt.date) -> QuerySet[AssistanceApplication]:
    return applications.filter(state__in=OPEN_STATES, due_on__lt=today)


def overdue_counts(*, user: User, today: dt.date) -> dict[str, int]:
    """Overdue open applications in the user's scope, per state (for queues and the managers' dashboard)."""
    rows = overdue(applications_visible_to(user), today).values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


def timeline(application: AssistanceApplication) -> QuerySet[CaseEvent]:
    return application.events.select_related("actor").order_by("at", "id")


def claimant_events(claimant: Claimant) -> QuerySet[CaseEvent]:
    """Every application event of a person, newest first (the claimant's page)."""
    return (
        CaseEvent.objects.filter(application__claimant=claimant)
        .select_related("actor", "application")
        .order_by("-at", "-id")
    )


def claimable_visits(claimant: Claimant) -> QuerySet[Visit]:
    """Visits an application of the claimant may cover: theirs and their household's (Beijing's annual aid sums
    the household), except those another approved application already covers."""
    people = Q(claimant=claimant)
    if claimant.household_id:
        people |= Q(claimant__household_id=claimant.household_id)
    assisted = CoveredVisit.objects.filter(approved=True).values("visit_id")
    return Visit.objects.filter(people).exclude(pk__in=assisted).select_related("claimant", "hospital")


# States an application reaches only after it was accepted (受理): its receipt can be printed in any of them.
ACCEPTED_LATER = (
    State.ACCEPTED,
    State.REFERRED,
    State.CERTIFIED,
    State.DECLINED,
    State.RETURNED,
    State.APPROVED,
    State.REJECTED,
    State.PAID,
    State.CLOSED,
)


@dataclass(frozen=True)
class CaseNotice:
    """What a printed notice of an application says: the decision's date and officer, the reason (a refusal)
    and the unit that handled the application."""

    application: AssistanceApplication
    decided_at: dt.datetime | None
    decided_by: User | None
    reason: str
    handling_unit: str


def handling_unit(region: Region) -> str:
    """The township office (乡镇人民政府 / 街道办事处) that receives applications in ``region``."""
    name = office_region_name(region)
    return f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"


def _notice(application: AssistanceApplication, kind: str) -> CaseNotice:
    event = (
        application.events.filter(kind=kind).select_related("actor__region").order_by("-at", "-id").first()
    )
    actor = event.actor if event is not None else None
    region = actor.region if actor is not None and actor.region_id else application.region
    return CaseNotice(
        application=application,
        decided_at=event.at if event is not None else None,
        decided_by=actor,
        reason=event.reason if event is not None else "",
        handling_unit=handling_unit(region),
    )


def receipt(application: AssistanceApplication) -> CaseNotice | None:
    """受理回执: once the application was accepted (also when it went further, or was withdrawn after)."""
    accepted = application.events.filter(kind=CaseEvent.Kind.ACCEPTED).exists()
    if not accepted and application.state not in ACCEPTED_LATER:
        return None
    return _notice(application, CaseEvent.Kind.ACCEPTED)


def refusal_notice(application: AssistanceApplication) -> CaseNotice | None:
    """不予受理告知书: once the application was refused, with the reason given."""
    if application.state != State.REFUSED:
        return None
    return _notice(application, CaseEvent.Kind.REFUSED)
