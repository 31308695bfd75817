"""Registration at the township office (书面申请) and supporting documents."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
from applications.services.workflow import changed, lock, today
from claimants import categories, roles
from claimants import services as claimant_services
from claimants.models import Claimant, User
from claimants.selectors import certifications_in_force
from core.errors import DomainError
from core.regions import in_region
from settlements.models import Visit

STATEMENT_MAX_LENGTH = 2000  # 申请事由: a paragraph or two; the documents carry the rest


def _direct_category_held(claimant: Claimant, on: dt.date) -> str | None:
    held = certifications_in_force(claimant=claimant, start=on, end=on).filter(category__in=DIRECT_CATEGORIES)
    category = held.values_list("category", flat=True).first()
    return category


def check_requested_category(claimant: Claimant, kind: str, category: str, on: dt.date) -> str:
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


def visits_assisted(
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


def check_visits(claimant: Claimant, kind: str, visits: Sequence[Visit]) -> list[Visit]:
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
    assisted = visits_assisted([v.pk for v in visits], kind=kind)
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
    if not in_region(claimant.hukou_region_id, by):
        raise DomainError(CaseError.OUTSIDE_REGION)
    if by.role != roles.CASEWORKER:
        raise DomainError(CaseError.ROLE_NOT_ALLOWED, action=CaseEvent.Kind.REGISTERED.label)
    submitted_on = today(submitted_on)
    # The day the written application was handed in: not before 2000 and not after today (it starts the
    # time limits).
    claimant_services.check_date(submitted_on, label=_("申请日期"), not_after=timezone.localdate())
    if len(statement) > STATEMENT_MAX_LENGTH:
        raise DomainError(CaseError.STATEMENT_TOO_LONG, limit=STATEMENT_MAX_LENGTH)
    requested_category = check_requested_category(claimant, kind, requested_category, submitted_on)
    visits = check_visits(claimant, kind, visits)
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
    changed(application, None, event)
    return application


@transaction.atomic
def add_document(*, application: AssistanceApplication, by: User, kind: str, uploaded) -> ApplicationDocument:
    """Attach a supporting document (checked by content, stored outside the web root)."""
    application = lock(application)
    if not in_region(application.region_id, by):
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
    changed(application, (application.state, application.due_on), event)
    return document
