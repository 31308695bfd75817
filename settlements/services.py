"""Writes of the settlements app: visits, policy years, settlements and reversals (冲正).

Each action is one transaction, checks its preconditions and raises ``DomainError`` with a code from
``settlements.errors`` when it refuses; nothing is stored half-way. The rules are the pure engine's
(``settlements.policy``): this module reads rows, calls the engine, and writes what it returns.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from claimants.models import Certification, Claimant, User
from settlements import adapter, locks
from settlements.errors import DomainError, PolicyYearError, SettlementError, VisitError
from settlements.models import Hospital, LedgerEntry, PolicyYear, Referral, Settlement, Visit, VisitType
from settlements.policy import types as engine
from settlements.policy.engine import assess_visit
from settlements.policy.errors import PolicyInputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


# Policy years ----------------------------------------------------------------------------------------


def check_policy_year(policy_year: PolicyYear) -> None:
    """Refuse values the engine cannot settle with (its own validation, e.g. a national dibao ratio < 0.70)."""
    if policy_year.effective_from and policy_year.effective_from.year > policy_year.year:
        raise DomainError(PolicyYearError.EFFECTIVE_FROM_OUTSIDE_YEAR)
    try:
        adapter.validate_policy_year(policy_year)
    except PolicyInputError as exc:
        raise DomainError(PolicyYearError.INVALID_PARAMETERS, detail=str(exc)) from exc


@transaction.atomic
def save_policy_year(*, policy_year: PolicyYear, by: User | None, reason: str = "") -> PolicyYear:
    """Create or change a policy year; the history (who, when, old and new values) is kept."""
    check_policy_year(policy_year)
    policy_year._history_user = by
    if reason:
        policy_year._change_reason = reason
    policy_year.save()
    return policy_year


# Visits ----------------------------------------------------------------------------------------------


# The settlement path reads with fixed SQL (RawQuerySet applies the fields' converters): building an ORM
# query costs more than its round trip, and a settlement makes several.
_POLICY_YEAR_SQL = f"SELECT * FROM {PolicyYear._meta.db_table} WHERE jurisdiction = %s AND year = %s"  # noqa: S608
_CERTIFICATIONS_SQL = (
    "SELECT id, category, valid_from, valid_to FROM "  # noqa: S608
    f"{Certification._meta.db_table} WHERE claimant_id = %s AND valid_from <= %s AND status <> %s "
    "AND (valid_to IS NULL OR valid_to >= %s)"
)
_SETTLED_SQL = (
    f"SELECT visit_id FROM {Settlement._meta.db_table} WHERE claimant_id = %s AND year = %s "  # noqa: S608
    "AND reversed_at IS NULL AND (visit_id = %s OR discharged > %s)"
)


def policy_year_for(*, jurisdiction: str, year: int) -> PolicyYear:
    if jurisdiction not in adapter.KNOWN_JURISDICTIONS:
        raise DomainError(VisitError.UNKNOWN_JURISDICTION)
    rows = list(PolicyYear.objects.raw(_POLICY_YEAR_SQL, [jurisdiction, year]))
    if rows:
        return rows[0]
    label = dict(PolicyYear._meta.get_field("jurisdiction").choices).get(jurisdiction, jurisdiction)
    raise DomainError(VisitError.NO_POLICY_YEAR, jurisdiction=label, year=year)


def check_visit_values(
    *,
    visit_type: str,
    referral: str,
    admitted: dt.date,
    discharged: dt.date,
    total_cost: Decimal,
    policy_scope_cost: Decimal,
    basic_insurance_paid: Decimal,
    fully_self_paid: Decimal = ZERO,
    critical_illness_paid: Decimal | None = None,
    other_insurance_paid: Decimal = ZERO,
) -> None:
    """The checks a visit passes before it is stored (form, import and service share them)."""
    if visit_type not in VisitType.values:
        raise DomainError(VisitError.UNKNOWN_VISIT_TYPE, value=visit_type)
    if referral not in Referral.values:
        raise DomainError(VisitError.UNKNOWN_REFERRAL, value=referral)
    amounts = {
        "total_cost": total_cost,
        "policy_scope_cost": policy_scope_cost,
        "basic_insurance_paid": basic_insurance_paid,
        "fully_self_paid": fully_self_paid,
        "other_insurance_paid": other_insurance_paid,
    }
    if critical_illness_paid is not None:
        amounts["critical_illness_paid"] = critical_illness_paid
    for name, value in amounts.items():
        if value < 0:
            label = Visit._meta.get_field(name).verbose_name
            raise DomainError(VisitError.NEGATIVE_AMOUNT, field=label)
    if policy_scope_cost > total_cost:
        raise DomainError(VisitError.SCOPE_ABOVE_TOTAL)
    if basic_insurance_paid > policy_scope_cost:
        raise DomainError(VisitError.BASIC_ABOVE_SCOPE)
    if critical_illness_paid is not None and critical_illness_paid > policy_scope_cost - basic_insurance_paid:
        raise DomainError(VisitError.CRITICAL_ILLNESS_ABOVE_REST)
    if discharged < admitted:
        raise DomainError(VisitError.DISCHARGE_BEFORE_ADMISSION)


@transaction.atomic
def record_visit(
    *,
    by: User | None,
    claimant: Claimant,
    visit_type: str,
    admitted: dt.date,
    discharged: dt.date,
    referral: str,
    total_cost: Decimal,
    policy_scope_cost: Decimal,
    basic_insurance_paid: Decimal = ZERO,
    fully_self_paid: Decimal = ZERO,
    critical_illness_paid: Decimal | None = None,
    other_insurance_paid: Decimal = ZERO,
    hospital: Hospital | None = None,
    in_province: bool | None = None,
    in_city: bool = True,
    offsite_filed: bool = False,
    settlement_ref: str | None = None,
    source: str = Visit.Source.MANUAL,
) -> Visit:
    """Record a visit (就医记录) entered by hand or imported. Refused when its year has no policy year."""
    if by is not None and not claimant.hukou_region_id.startswith(by.region_id):
        raise DomainError(VisitError.OUTSIDE_REGION)
    check_visit_values(
        visit_type=visit_type,
        referral=referral,
        admitted=admitted,
        discharged=discharged,
        total_cost=total_cost,
        policy_scope_cost=policy_scope_cost,
        basic_insurance_paid=basic_insurance_paid,
        fully_self_paid=fully_self_paid,
        critical_illness_paid=critical_illness_paid,
        other_insurance_paid=other_insurance_paid,
    )
    policy_year_for(jurisdiction=claimant.jurisdiction, year=discharged.year)
    if in_province is None:
        in_province = hospital.in_province if hospital is not None else True
    if settlement_ref and Visit.objects.filter(settlement_ref=settlement_ref).exists():
        raise DomainError(VisitError.DUPLICATE_SETTLEMENT_REF, settlement_ref=settlement_ref)
    return Visit.objects.create(
        claimant=claimant,
        hospital=hospital,
        settlement_ref=settlement_ref or None,
        visit_type=visit_type,
        admitted=admitted,
        discharged=discharged,
        referral=referral,
        in_province=in_province,
        in_city=in_city,
        offsite_filed=offsite_filed,
        total_cost=total_cost,
        policy_scope_cost=policy_scope_cost,
        basic_insurance_paid=basic_insurance_paid,
        critical_illness_paid=critical_illness_paid,
        other_insurance_paid=other_insurance_paid,
        fully_self_paid=fully_self_paid,
        source=source,
    )


# Settlement ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettlementPreview:
    """What settling a visit now would store: the engine's result and counter deltas, and the flags."""

    visit: Visit
    policy_year: PolicyYear
    result: engine.VisitResult
    deltas: Mapping[str, Decimal]
    out_of_order: bool
    settled_on: dt.date | None
    ledger_before: engine.Ledger


def _check_settled_on(visit: Visit, settled_on: dt.date | None) -> None:
    if settled_on is not None and (settled_on < visit.discharged or settled_on.year != visit.year):
        raise DomainError(SettlementError.SETTLED_ON_INVALID)


def _certifications(claimant_id: int, year: int) -> tuple[engine.Certification, ...]:
    params = [claimant_id, dt.date(year, 12, 31), Certification.Status.REVOKED, dt.date(year, 1, 1)]
    return adapter.certifications_of(Certification.objects.raw(_CERTIFICATIONS_SQL, params))


def _assess(
    *, visit: Visit, settled_on: dt.date | None, ledger_rows, policy_year: PolicyYear, later_settled: bool
) -> SettlementPreview:
    ledger = adapter.ledger_of(ledger_rows)
    try:
        assessment = assess_visit(
            jurisdiction=policy_year.jurisdiction,
            year=policy_year.year,
            parameters=adapter.parameters_of(policy_year),
            certifications=_certifications(visit.claimant_id, visit.year),
            ledger=ledger,
            visit=adapter.visit_of(visit, settled_on=settled_on),
        )
    except PolicyInputError as exc:
        raise _refusal(exc) from exc
    return SettlementPreview(
        visit=visit,
        policy_year=policy_year,
        result=assessment.result,
        deltas=assessment.deltas,
        out_of_order=later_settled,
        settled_on=settled_on,
        ledger_before=ledger,
    )


def _refusal(exc: PolicyInputError) -> DomainError:
    message = str(exc)
    if message.startswith("certification.category"):
        return DomainError(SettlementError.UNKNOWN_CATEGORY, category=message.split('"')[1])
    return DomainError(SettlementError.INVALID_PARAMETERS, detail=message)


def _settled_in_year(visit: Visit) -> tuple[bool, bool]:
    """(this visit has a settlement in force, a later-discharged visit of the person's year is settled)."""
    with connection.cursor() as cursor:
        cursor.execute(_SETTLED_SQL, [visit.claimant_id, visit.year, visit.pk, visit.discharged])
        visit_ids = {row[0] for row in cursor.fetchall()}
    return visit.pk in visit_ids, bool(visit_ids - {visit.pk})


def preview_settlement(*, visit: Visit, settled_on: dt.date | None = None) -> SettlementPreview:
    """What ``settle_visit`` would store now, computed by the same path, without locking or writing."""
    _check_settled_on(visit, settled_on)
    policy_year = policy_year_for(jurisdiction=visit.claimant.jurisdiction, year=visit.year)
    settled, later = _settled_in_year(visit)
    if settled:
        raise DomainError(SettlementError.ALREADY_SETTLED)
    rows = LedgerEntry.objects.filter(claimant_id=visit.claimant_id, year=visit.year)
    return _assess(
        visit=visit, settled_on=settled_on, ledger_rows=rows, policy_year=policy_year, later_settled=later
    )


@transaction.atomic
def settle_visit(*, visit: Visit, by: User | None, settled_on: dt.date | None = None) -> Settlement:
    """Settle one visit (一站式结算): 大病保险 and every assistance tier, against the person's annual ledger.

    - One settlement in force per visit: a second attempt is refused with ``already_settled`` (checked
      under the ledger lock, backed by a partial unique constraint).
    - The person's ledger rows of the visit's year are locked in primary-key order first
      (``settlements.locks``), so concurrent settlements of one person never exceed a cap.
    - Visits are meant to be settled in discharge order. A visit discharged before one already settled is
      settled against the current ledger and flagged ``out_of_order``; the resettlement list
      (``selectors.resettlement_candidates``) then shows any difference from settling the year in order.
    - ``settled_on``: the date of an approved written application (书面申请, Mianyang A-MY8). The engine
      then also counts identities certified up to that date (same year, on or after discharge). The
      application workflow calls ``settle_visit(visit=v, by=officer, settled_on=application.date)`` for
      each covered visit that has no settlement in force; one-stop settlement at the hospital passes None.
    """
    claimant_id, year = visit.claimant_id, visit.year
    _check_settled_on(visit, settled_on)
    policy_year = policy_year_for(jurisdiction=visit.claimant.jurisdiction, year=year)
    rows = locks.lock_ledger(claimant_id=claimant_id, year=year)
    settled, later = _settled_in_year(visit)
    if settled:
        raise DomainError(SettlementError.ALREADY_SETTLED)
    preview = _assess(
        visit=visit,
        settled_on=settled_on,
        ledger_rows=rows.values(),
        policy_year=policy_year,
        later_settled=later,
    )
    result = preview.result
    locks.lock_extra_counters(claimant_id=claimant_id, year=year, rows=rows, names=preview.deltas)
    try:
        settlement = Settlement.objects.create(
            visit=visit,
            claimant_id=claimant_id,
            year=year,
            discharged=visit.discharged,
            policy_year=policy_year,
            policy_version=policy_year.version,
            category=result.category or "",
            reason=result.reason.value if result.reason else "",
            pool=result.pool.value if result.pool else "",
            policy_scope_cost=visit.policy_scope_cost,
            basic_insurance_paid=visit.basic_insurance_paid,
            critical_illness_insurance=result.critical_illness_insurance,
            medical_assistance=result.medical_assistance,
            tilted_assistance=result.tilted_assistance,
            major_illness_assistance=result.major_illness_assistance,
            personal_burden=result.personal_burden,
            explanation=[{"zh": line.zh, "en": line.en} for line in result.explanation],
            deltas={name: str(delta) for name, delta in preview.deltas.items()},
            out_of_order=later,
            settled_on=settled_on,
            settled_by=by,
        )
    except IntegrityError as exc:  # the partial unique index: a settlement in force already exists
        raise DomainError(SettlementError.ALREADY_SETTLED) from exc
    locks.add_to_counters(rows, preview.deltas)
    return settlement


@transaction.atomic
def reverse_settlement(*, settlement: Settlement, by: User, reason: str) -> Settlement:
    """Reverse (冲正) a settlement: subtract its deltas from the ledger and mark it reversed.

    The row stays (who, when, why); the visit can then be settled again. Later settlements of the same
    person and year were computed on the ledger that included this one: they appear in the resettlement
    list when their amounts would now differ.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(SettlementError.REASON_REQUIRED)
    rows = locks.lock_ledger(claimant_id=settlement.claimant_id, year=settlement.year)
    settlement = locks.lock_settlement(settlement.pk)
    if settlement.reversed_at is not None:
        raise DomainError(SettlementError.ALREADY_REVERSED)
    deltas = {name: Decimal(value) for name, value in settlement.deltas.items()}
    locks.lock_extra_counters(
        claimant_id=settlement.claimant_id, year=settlement.year, rows=rows, names=deltas
    )
    locks.add_to_counters(rows, {name: -delta for name, delta in deltas.items()})
    settlement.reversed_at = timezone.now()
    settlement.reversed_by = by
    settlement.reversal_reason = reason
    settlement.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    return settlement
