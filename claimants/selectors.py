"""Reads that start from the user's jurisdiction region: the start of every list, detail and export."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from claimants import categories, idnumbers
from claimants.models import Certification, Claimant, Household, ImportBatch, Region, Relation, User
from claimants.timeline import TimelineEntry
from core.certifications import in_force_on
from core.regions import region_filter
from core.roles import changed_by


def office_region_name(region: Region) -> str:
    """A region named as its offices name themselves: the full name without the province
    (绵阳市涪城区); a municipality keeps its name (北京市东城区), a province is named alone."""
    name = region.full_name
    province = Region.objects.filter(code=region.code[:2]).values_list("name", flat=True).first() or ""
    if province.endswith(("省", "自治区")) and name != province:
        return name.removeprefix(province)
    return name


def regions_visible_to(user: User) -> QuerySet[Region]:
    return Region.objects.filter(code__startswith=user.region_id)


def claimants_visible_to(user: User) -> QuerySet[Claimant]:
    """Claimants whose household registration (户籍所在地) lies in the user's region subtree."""
    return Claimant.objects.filter(**region_filter(user, "hukou_region"))


def get_claimant_for_user(*, user: User, claimant_id: int) -> Claimant:
    # The same 404 whether the row is missing or outside the region: no existence leak.
    return get_object_or_404(
        claimants_visible_to(user).select_related("hukou_region", "insured_region"), pk=claimant_id
    )


def households_visible_to(user: User) -> QuerySet[Household]:
    return Household.objects.filter(**region_filter(user, "region"))


ID_CHARACTERS = re.compile(r"^[0-9Xx]+$")
ID_LENGTH = 18
ID_FRAGMENT_MIN = 4  # the fewest characters of an ID number a search takes (a number's last four, say)


def is_id_query(query: str) -> bool:
    """Whether a search is of an ID number (digits and X), whole or a fragment, rather than a name."""
    return bool(ID_CHARACTERS.match(query.strip()))


def people_matching(user: User, query: str) -> QuerySet[Claimant]:
    """The people of the user's region a picker or the applicant search offers for ``query``.

    A whole ID number finds its holder, whoever registered them; an ID fragment (``ID_FRAGMENT_MIN``
    characters or more, for roles that may see full numbers, audited by ``services.search_people``) or
    a name fragment finds registered people: three or more characters of a name anywhere, fewer from its
    start (as the claimant list searches).
    """
    query = query.strip()
    people = claimants_visible_to(user)
    if is_id_query(query):
        number = query.upper()
        if len(number) == ID_LENGTH:
            return people.filter(id_number=number)
        people = people.filter(id_number__contains=number)
    elif len(query) < 3:
        people = people.filter(name__startswith=query)
    else:
        people = people.filter(name__contains=query)
    return people.filter(origin=Claimant.Origin.REGISTERED)


def households_for_picker(user: User) -> QuerySet[Household]:
    """Households of the user's region with ``head_name``, ``head_id_number`` and ``member_count``."""
    heads = Claimant.objects.filter(household=OuterRef("pk"), relation_to_head=Relation.HEAD)
    return (
        households_visible_to(user)
        .select_related("region")
        .annotate(
            head_name=Subquery(heads.values("name")[:1]),
            head_id_number=Subquery(heads.values("id_number")[:1]),
            member_count=Count("members"),
        )
    )


def households_matching(user: User, query: str) -> QuerySet[Household]:
    """Households of the user's region whose head's name or address holds ``query``, or whose number it is
    (``households_for_picker`` rows)."""
    query = query.strip()
    name = Q(head_name__startswith=query) if len(query) < 3 else Q(head_name__contains=query)
    return households_for_picker(user).filter(name | Q(address__contains=query) | Q(number=query))


def get_household_for_user(*, user: User, household_id: int) -> Household:
    return get_object_or_404(households_visible_to(user).select_related("region"), pk=household_id)


def townships_visible_to(user: User) -> QuerySet[Region]:
    """The townships a user may register people in (their subtree), for region choosers."""
    return regions_visible_to(user).filter(level=Region.Level.TOWNSHIP).select_related("parent")


def certifications_visible_to(user: User) -> QuerySet[Certification]:
    return Certification.objects.filter(**region_filter(user, "claimant__hukou_region"))


def get_certification_for_user(*, user: User, certification_id: int) -> Certification:
    return get_object_or_404(
        certifications_visible_to(user).select_related("claimant__hukou_region"), pk=certification_id
    )


def import_batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """Batches uploaded by anyone within the user's region subtree."""
    return ImportBatch.objects.filter(**region_filter(user, "region")).defer("content", "staged")


def with_certification_status(qs: QuerySet[Certification], status: str, day: dt.date) -> QuerySet:
    """Filter by the status a user sees: expired is an active row whose valid_to has passed."""
    active = Certification.Status.ACTIVE
    if status == Certification.Status.EXPIRED:
        return qs.filter(status=active, valid_to__lt=day)
    if status == active:
        return qs.filter(status=active).exclude(valid_to__lt=day)
    return qs.filter(status=status)


def holding_category(qs: QuerySet[Claimant], category: str, day: dt.date) -> QuerySet[Claimant]:
    """Claimants with a certification of ``category`` in force on ``day``."""
    certified = Certification.objects.filter(in_force_on(day), claimant=OuterRef("pk"), category=category)
    return qs.filter(Exists(certified))


@dataclass(frozen=True)
class Change:
    """One history record, with the fields it changed (label, old value, new value)."""

    at: dt.datetime
    user: str
    kind: str  # "+" created, "~" changed, "-" deleted
    object_id: int
    reason: str
    changes: tuple[tuple[str, str, str], ...]


def _display(field, value, names: dict | None = None) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation and names is not None:  # a person, a region, a user: their name, never a row id
        return names.get((field.related_model, value), "")
    if field.name == "id_number":  # history pages follow the list rule: masked
        return idnumbers.mask(value)
    if field.name == "birth_date":  # the year only: with the masked number, the date would give it back
        return str(value)[:4]
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _related_names(fields, records) -> dict:
    """(model, key) -> the name shown for it, one query per related model over the keys the records hold."""
    names = {}
    for field in fields:
        if not field.is_relation:
            continue
        keys = {getattr(record, field.attname) for record in records} - {None}
        for row in field.related_model._default_manager.filter(pk__in=keys):
            user_name = getattr(row, "get_full_name", None)
            names[field.related_model, row.pk] = (
                (user_name() or row.get_username()) if user_name else str(row)
            )
    return names


def change_history(model, ids) -> list[Change]:
    """Every history record of the given rows with its field changes, oldest first, in one query."""
    history = model.history.model
    fields = [f for f in history.tracked_fields if f.editable]
    records = (
        history.objects.filter(id__in=list(ids)).select_related("history_user").order_by("history_date", "pk")
    )
    records = list(records)
    names = _related_names(fields, records)
    previous: dict[int, object] = {}
    changes = []
    for record in records:
        before = previous.get(record.id)
        diff = []
        for field in fields:
            new = getattr(record, field.attname)
            old = getattr(before, field.attname) if before is not None else None
            if before is None and new in (None, ""):
                continue
            if before is None or old != new:
                diff.append(
                    (str(field.verbose_name), _display(field, old, names), _display(field, new, names))
                )
        previous[record.id] = record
        changes.append(
            Change(
                at=record.history_date,
                user=changed_by(record.history_user),
                kind=record.history_type,
                object_id=record.id,
                reason=record.history_change_reason or "",
                changes=tuple(diff),
            )
        )
    return changes


def claimant_timeline(claimant: Claimant, user: User) -> list[TimelineEntry]:
    """The claimants app's own timeline entries: registration, edits, certifications, household changes."""
    entries = []
    for change in change_history(Claimant, [claimant.pk]):
        if change.kind == "+":
            entries.append(TimelineEntry(change.at, "registered", _("登记为救助对象"), change.user))
        elif change.changes:
            detail = "；".join(f"{label}：{old or '—'} → {new or '—'}" for label, old, new in change.changes)
            household_change = any(label in (_("家庭"), _("与户主关系")) for label, _o, _n in change.changes)
            kind, title = (
                ("household", _("家庭关系变更")) if household_change else ("edited", _("登记信息修改"))
            )
            entries.append(TimelineEntry(change.at, kind, title, detail))
    certifications = {c.pk: c for c in claimant.certifications.all()}
    for change in change_history(Certification, certifications):
        certification = certifications[change.object_id]
        label = certification.get_category_display()
        if change.kind == "+":
            title = _("身份认定：%(category)s") % {"category": label}
            detail = f"{certification.valid_from} – {certification.valid_to or ''}"
            entries.append(TimelineEntry(change.at, "certified", title, detail))
        elif any(new == str(Certification.Status.REVOKED.label) for _l, _o, new in change.changes):
            title = _("撤销认定：%(category)s") % {"category": label}
            entries.append(TimelineEntry(change.at, "revoked", title, change.reason))
    if claimant.household_id:
        for change in change_history(Household, [claimant.household_id]):
            if change.kind == "~" and change.changes:
                detail = "；".join(
                    f"{label}：{old or '—'} → {new or '—'}" for label, old, new in change.changes
                )
                url = reverse("claimants:household_detail", args=[claimant.household_id])
                entries.append(TimelineEntry(change.at, "household", _("家庭信息修改"), detail, url))
    return entries


def today() -> dt.date:
    return timezone.localdate()


def certifications_in_force(*, claimant: Claimant, start: dt.date, end: dt.date) -> QuerySet[Certification]:
    """Active certifications valid on at least one day from ``start`` to ``end``."""
    return claimant.certifications.filter(status=Certification.Status.ACTIVE, valid_from__lte=end).exclude(
        valid_to__lt=start
    )


def category_for_episode(*, claimant: Claimant, start: dt.date, end: dt.date) -> str | None:
    """Which category applies to this person for an episode from ``start`` to ``end``.

    The highest-ranked category valid on any day of the episode (就高不就低; Beijing's rule for identities
    gained or lost during a stay, the Default everywhere: SCENARIOS Clarification 4).
    """
    held = set(
        certifications_in_force(claimant=claimant, start=start, end=end).values_list("category", flat=True)
    )
    return categories.best_category(claimant.jurisdiction, held)
