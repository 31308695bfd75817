"""Writes on claimants and certifications. Each function is one transaction and checks its preconditions."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from claimants import categories, idnumbers, roles, selectors, validators
from claimants.errors import ClaimantError
from claimants.models import AuditLog, Certification, Claimant, Household, Region, Relation, User
from core.errors import DomainError
from core.regions import in_region

CLAIMANT_EDITABLE_FIELDS = ("name", "phone", "hukou_region", "insured_region", "residence", "scheme")


def check_name(name: str) -> None:
    if (char := validators.name_problem(name)) is not None:
        raise DomainError(ClaimantError.NAME_CHARACTERS, char=char)


def checked_phone(phone: str) -> str:
    """The phone number as stored (``validators.normalized_phone``); refused when it is not one."""
    normalized = validators.normalized_phone(phone)
    if normalized is None:
        raise DomainError(ClaimantError.INVALID_PHONE)
    return normalized


def check_date(value: dt.date | None, *, label: str, not_after: dt.date | None = None) -> None:
    """Refuse a date outside 2000-01-01 … 2099-12-31 (or after ``not_after``), naming the field."""
    if value is not None and not validators.date_in_range(value, not_after=not_after):
        latest = min(validators.LATEST_DATE, not_after or validators.LATEST_DATE)
        raise DomainError(ClaimantError.IMPLAUSIBLE_DATE, field=label, latest=latest.isoformat())


def _check_region(region: Region, by: User | None) -> None:
    if by is not None and not in_region(region.code, by):
        raise DomainError(ClaimantError.REGION_OUTSIDE_JURISDICTION)


@transaction.atomic
def register_claimant(
    *,
    by: User | None,
    name: str,
    id_number: str,
    hukou_region: Region,
    insured_region: Region,
    scheme: str,
    phone: str = "",
    residence: str = "",
    household: Household | None = None,
    relation_to_head: str = "",
) -> Claimant:
    """Register a person (救助对象登记). Sex and birth date come from the ID number."""
    check_name(name)
    phone = checked_phone(phone)
    try:
        facts = idnumbers.parse(id_number)
    except idnumbers.InvalidIdNumber as exc:
        raise DomainError(ClaimantError.INVALID_ID_NUMBER, detail=str(exc)) from exc
    if hukou_region.level != Region.Level.TOWNSHIP:
        raise DomainError(ClaimantError.NOT_A_TOWNSHIP)
    if not hukou_region.jurisdiction:
        raise DomainError(ClaimantError.NO_JURISDICTION)
    _check_region(hukou_region, by)
    _check_membership(household=household, relation=relation_to_head, hukou_region=hukou_region)
    _check_not_registered(facts.number, by)
    try:
        with transaction.atomic():
            claimant = Claimant(
                name=name.strip(),
                id_number=facts.number,
                sex=facts.sex,
                birth_date=facts.birth_date,
                phone=phone,
                hukou_region=hukou_region,
                insured_region=insured_region,
                residence=residence,
                scheme=scheme,
                household=household,
                relation_to_head=relation_to_head,
            )
            claimant._history_user = by
            claimant.save()
            return claimant
    except IntegrityError as exc:  # a concurrent registration of the same number
        _check_not_registered(facts.number, by)
        raise DomainError(ClaimantError.DUPLICATE_ID_NUMBER, id_number=idnumbers.mask(facts.number)) from exc


def _check_not_registered(number: str, by: User | None) -> None:
    """Refuse a number already registered: in the user's region it says so; elsewhere it says only that
    it cannot be registered here (nothing about the person or where)."""
    held_in = Claimant.objects.filter(id_number=number).values_list("hukou_region_id", flat=True).first()
    if held_in is None:
        return
    if by is None or in_region(held_in, by):
        raise DomainError(ClaimantError.DUPLICATE_ID_NUMBER, id_number=idnumbers.mask(number))
    raise DomainError(ClaimantError.ID_NUMBER_UNAVAILABLE)


def _check_membership(
    *, household: Household | None, relation: str, hukou_region: Region, claimant: Claimant | None = None
) -> None:
    if household is None:
        return
    if household.region_id != hukou_region.code:
        raise DomainError(ClaimantError.HOUSEHOLD_OUTSIDE_REGION)
    if relation == Relation.HEAD:
        heads = household.members.filter(relation_to_head=Relation.HEAD)
        if claimant is not None:
            heads = heads.exclude(pk=claimant.pk)
        if heads.exists():
            raise DomainError(ClaimantError.HOUSEHOLD_HAS_HEAD)


@transaction.atomic
def update_claimant(*, claimant: Claimant, by: User, **changes) -> Claimant:
    """Edit a person's registration; the ID number (and what derives from it) is not editable here."""
    claimant = Claimant.objects.select_for_update().get(pk=claimant.pk)
    _check_region(claimant.hukou_region, by)
    unknown = set(changes) - set(CLAIMANT_EDITABLE_FIELDS) - {"household", "relation_to_head"}
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "name" in changes:
        check_name(changes["name"])
    if "phone" in changes:
        changes["phone"] = checked_phone(changes["phone"])
    for field, value in changes.items():
        setattr(claimant, field, value.strip() if isinstance(value, str) else value)
    if claimant.hukou_region.level != Region.Level.TOWNSHIP:
        raise DomainError(ClaimantError.NOT_A_TOWNSHIP)
    _check_region(claimant.hukou_region, by)
    _check_membership(
        household=claimant.household,
        relation=claimant.relation_to_head,
        hukou_region=claimant.hukou_region,
        claimant=claimant,
    )
    claimant._history_user = by
    claimant.save()
    return claimant


@transaction.atomic
def create_household(*, by: User, region: Region, address: str = "") -> Household:
    """Open a household (建户) in a township of the user's region, numbered by ``next_household_number``."""
    if region.level != Region.Level.TOWNSHIP:
        raise DomainError(ClaimantError.NOT_A_TOWNSHIP)
    _check_region(region, by)
    Region.objects.select_for_update().get(pk=region.pk)  # one numbering at a time per township
    household = Household(number=next_household_number(region), region=region, address=address.strip())
    household._history_user = by
    household.save()
    return household


def next_household_number(region: Region) -> str:
    """The township's code, a hyphen and the next sequence number of its households: 510703001-00042."""
    prefix = f"{region.code}-"
    last = (
        Household.objects.filter(region=region, number__regex=rf"^{region.code}-[0-9]+$")
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:0{HOUSEHOLD_SEQUENCE_DIGITS}d}"


HOUSEHOLD_SEQUENCE_DIGITS = 5


@transaction.atomic
def update_household(*, household: Household, by: User, address: str) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _check_region(household.region, by)
    household.address = address.strip()
    household._history_user = by
    household.save()
    return household


@transaction.atomic
def set_membership(
    *, claimant: Claimant, by: User, household: Household | None, relation_to_head: str = ""
) -> Claimant:
    """Put a person into a household with a relation to its head, or take them out (household=None)."""
    return update_claimant(
        claimant=claimant,
        by=by,
        household=household,
        relation_to_head=relation_to_head if household is not None else "",
    )


def overlapping(*, claimant: Claimant, category: str, valid_from: dt.date, valid_to: dt.date | None) -> bool:
    """Whether an active certification of the same category overlaps the date range."""
    qs = claimant.certifications.filter(category=category, status=Certification.Status.ACTIVE)
    if valid_to is not None:
        qs = qs.filter(valid_from__lte=valid_to)
    return qs.exclude(valid_to__lt=valid_from).exists()


@transaction.atomic
def certify(
    *,
    by: User | None,
    claimant: Claimant,
    category: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    certificate_number: str = "",
    source: str = Certification.Source.MANUAL,
    note: str = "",
) -> Certification:
    """Record an identity certification (身份认定); the certifying department follows from the category."""
    jurisdiction = claimant.jurisdiction
    if category not in categories.categories_of(jurisdiction):
        raise DomainError(ClaimantError.CATEGORY_NOT_IN_JURISDICTION, category=category)
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(ClaimantError.VALID_TO_BEFORE_FROM)
    for label, value in ((_("有效期起"), valid_from), (_("有效期止"), valid_to)):
        check_date(value, label=label)
    if by is not None:
        _check_region(claimant.hukou_region, by)
        if not roles.may_certify(by, category):
            raise DomainError(
                ClaimantError.NOT_CERTIFYING_DEPARTMENT, category=categories.CATEGORIES[category].label
            )
    # Lock the person so two officers cannot certify overlapping ranges at the same moment.
    Claimant.objects.select_for_update().filter(pk=claimant.pk).first()
    if overlapping(claimant=claimant, category=category, valid_from=valid_from, valid_to=valid_to):
        raise DomainError(ClaimantError.OVERLAPPING_CERTIFICATION)
    certification = Certification(
        claimant=claimant,
        category=category,
        jurisdiction=jurisdiction,
        department=categories.certifying_department(category),
        certificate_number=certificate_number,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        note=note,
        created_by=by,
    )
    certification._history_user = by
    certification.save()
    return certification


@transaction.atomic
def revoke_certification(*, certification: Certification, by: User, reason: str) -> Certification:
    """Revoke (撤销) a certification: never deleted, the row keeps its dates and gains the revoked status."""
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    _check_region(certification.claimant.hukou_region, by)
    if not roles.may_certify(by, certification.category):
        raise DomainError(
            ClaimantError.NOT_CERTIFYING_DEPARTMENT, category=certification.get_category_display()
        )
    if certification.status == Certification.Status.REVOKED:
        raise DomainError(ClaimantError.ALREADY_REVOKED)
    certification.status = Certification.Status.REVOKED
    certification.note = reason
    certification._change_reason = reason
    certification._history_user = by
    certification.save(update_fields=["status", "note"])
    return certification


def reveal_id_number(*, claimant: Claimant, by: User) -> str:
    """The full ID number for a role allowed to see it; every reveal is written to the audit log."""
    if not roles.may_see_full_id(by):
        raise DomainError(ClaimantError.FULL_ID_NOT_ALLOWED)
    audit(user=by, action="reveal_id_number", target=claimant)
    return claimant.id_number


def record_claimant_export(
    *, by: User, fmt: str, filters: dict, claimant_ids: list[int], purpose: str = ""
) -> AuditLog:
    """Write a claimant-list export to the audit log before the file is sent: who, the format, the filters,
    how many rows and which people. A stated ``purpose`` makes it a full-number export, which only
    ``JIUZHU_FULL_ID_EXPORT_ROLES`` may make; every other export is masked."""
    full = bool(purpose)
    if full and not roles.may_export_full_ids(by):
        raise DomainError(ClaimantError.FULL_ID_NOT_ALLOWED)
    return audit(
        user=by,
        action="export_full_id" if full else "export_masked",
        target_type="claimants.claimant",
        format=fmt,
        filters=filters,
        rows=len(claimant_ids),
        claimant_ids=claimant_ids,
        purpose=purpose,
    )


def record_list_export(
    *, by: User, target_type: str, fmt: str, filters: dict, row_ids: list[int]
) -> AuditLog:
    """Write an export of a list (settlements, visits, applications, alerts; ID numbers masked) to the audit
    log before the file is sent: who, which list, the format, the filters, how many rows and which."""
    return audit(
        user=by,
        action="export_masked",
        target_type=target_type,
        format=fmt,
        filters=filters,
        rows=len(row_ids),
        row_ids=row_ids,
    )


PEOPLE_FOUND_MAX = 20  # candidates a search offers; more asks for a longer name or number


@transaction.atomic
def search_people(*, by: User, query: str) -> tuple[list[Claimant], bool]:
    """The people of the user's region a search for ``query`` offers (``selectors.people_matching``), at most
    ``PEOPLE_FOUND_MAX``, and whether there were more.

    A fragment of an ID number is taken only from roles that may see full numbers, with at least
    ``ID_FRAGMENT_MIN`` characters, and is written to the audit log with the people it found: the masked
    numbers of the candidates, compared across searches, would give a number back, which only a role that
    may reveal it can do, on the record (docs/decisions.md "ID numbers").
    """
    query = query.strip()
    fragment = selectors.is_id_query(query) and len(query) != selectors.ID_LENGTH
    if fragment and not roles.may_see_full_id(by):
        raise DomainError(ClaimantError.ID_SEARCH_WHOLE_NUMBER)
    if fragment and len(query) < selectors.ID_FRAGMENT_MIN:
        raise DomainError(ClaimantError.ID_FRAGMENT_TOO_SHORT, minimum=selectors.ID_FRAGMENT_MIN)
    found = list(
        selectors.people_matching(by, query)
        .select_related("hukou_region", "household")
        .order_by("name", "pk")[: PEOPLE_FOUND_MAX + 1]
    )
    people = found[:PEOPLE_FOUND_MAX]
    if fragment:
        audit(
            user=by,
            action="search_id_fragment",
            target_type=Claimant._meta.label_lower,
            fragment=query.upper(),
            found=[person.pk for person in people],
        )
    return people, len(found) > PEOPLE_FOUND_MAX


def audit(*, user: User, action: str, target=None, target_type: str = "", **detail) -> AuditLog:
    """Write who looked at or exported what; ``target`` is a row, or ``target_type`` names a list."""
    return AuditLog.objects.create(
        user=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else target_type,
        target_id=str(target.pk) if target is not None else "",
        detail=detail,
    )
