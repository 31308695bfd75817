"""Reads of applications, always from the user's scope: their region subtree, and for a civil-affairs or
rural-revitalization officer only what was referred to their department."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from claimants import roles
from claimants.models import Claimant, User
from claimants.selectors import region_filter
from settlements.cases.models import OPEN_STATES, AssistanceApplication, CaseEvent, CoveredVisit, State
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
    if user.role in roles.DEPARTMENT_OFFICERS:
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
