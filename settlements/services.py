"""Writes of the settlements app: visits, policy years, settlements and reversals (冲正).

Each action is one transaction, checks its preconditions and raises ``DomainError`` with a code from
``settlements.errors`` when it refuses; nothing is stored half-way. The rules are the pure engine's
(``settlements.policy``): this module reads rows, calls the engine, and writes what it returns.
"""

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from claimants.hooks import Hook
from claimants.imports import bulk_insert
from claimants.models import Claimant, InsuranceScheme, User
from claimants.services import check_date
from core.errors import DomainError
from jurisdictions import registry
from settlements import adapter, context, history, locks
from settlements.context import policy_year_for
from settlements.errors import PolicyYearError, SettlementError, VisitError
from settlements.models import (
    Hospital,
    PolicyYear,
    Referral,
    Settlement,
    SettlementReason,
    SettlementTier,
    Visit,
    VisitType,
)
from settlements.money import MAX_BILL_AMOUNT
from settlements.policy import types as engine
from settlements.policy.engine import assess_visit
from settlements.policy.errors import PolicyInputError

ZERO = Decimal("0.00")


# Policy years ----------------------------------------------------------------------------------------


def policy_year_problems(policy_year: PolicyYear) -> list[adapter.ValueProblem]:
    """Everything wrong with a policy year's values, at once. The package's schema finds every problem it can
    tell; the engine's own validation (one refusal) runs on the values the schema accepted."""
    found: list[adapter.ValueProblem] = []
    if policy_year.effective_from and policy_year.effective_from.year > policy_year.year:
        found.append(
            adapter.ValueProblem("effective_from", "", str(PolicyYearError.EFFECTIVE_FROM_OUTSIDE_YEAR.label))
        )
    if policy_year.jurisdiction in registry.installed():
        values, problems = adapter.read_values(policy_year)
        found.extend(adapter.schema_problem(problem) for problem in problems)
        if values is not None:
            policy_year = adapter.apply_values(copy.copy(policy_year), values)
    if not found and policy_year.year:  # the engine's rules are those of a year
        try:
            adapter.validate_policy_year(policy_year)
        except PolicyInputError as exc:
            found.append(adapter.engine_problem(exc))
    return found


def check_policy_year(policy_year: PolicyYear) -> None:
    """Refuse values the schema or the engine cannot settle with (e.g. a national dibao ratio < 0.70)."""
    problems = policy_year_problems(policy_year)
    if not problems:
        return
    if problems[0].where == "effective_from":
        raise DomainError(PolicyYearError.EFFECTIVE_FROM_OUTSIDE_YEAR)
    if problems[0].where == "alert_threshold_rate":
        raise DomainError(PolicyYearError.ALERT_RATE_OUT_OF_RANGE)
    raise DomainError(PolicyYearError.INVALID_PARAMETERS, detail="；".join(map(str, problems)))


@transaction.atomic
def save_policy_year(*, policy_year: PolicyYear, by: User | None, reason: str = "") -> PolicyYear:
    """Create or change a policy year; the history (who, when, old and new values) is kept. Saving a year
    whose values are all as stored changes nothing: no new version, no history row."""
    check_policy_year(policy_year)
    if policy_year.pk is not None and _as_stored(policy_year):
        return policy_year
    policy_year._history_user = by
    if reason:
        policy_year._change_reason = reason
    policy_year.save()
    return policy_year


def _as_stored(policy_year: PolicyYear) -> bool:
    stored = PolicyYear.objects.select_for_update().get(pk=policy_year.pk)
    fields = [f.attname for f in PolicyYear._meta.concrete_fields if f.name not in {"id", "version"}]
    return all(getattr(stored, name) == getattr(policy_year, name) for name in fields)


# Visits ----------------------------------------------------------------------------------------------


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
    assistance_paid_at_hospital: Decimal = ZERO,
    supplementary_paid: Decimal = ZERO,
    insurance_scheme: str = InsuranceScheme.RESIDENT,
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
        "assistance_paid_at_hospital": assistance_paid_at_hospital,
        "supplementary_paid": supplementary_paid,
    }
    if insurance_scheme not in InsuranceScheme.values:
        raise DomainError(VisitError.UNKNOWN_INSURANCE_SCHEME, value=insurance_scheme)
    if critical_illness_paid is not None:
        amounts["critical_illness_paid"] = critical_illness_paid
    for name, value in amounts.items():
        if value < 0:
            label = Visit._meta.get_field(name).verbose_name
            raise DomainError(VisitError.NEGATIVE_AMOUNT, field=label)
        if value > MAX_BILL_AMOUNT:
            label = Visit._meta.get_field(name).verbose_name
            raise DomainError(VisitError.AMOUNT_TOO_LARGE, field=label, maximum=f"{MAX_BILL_AMOUNT:,}")
    if policy_scope_cost > total_cost:
        raise DomainError(VisitError.SCOPE_ABOVE_TOTAL)
    if basic_insurance_paid > policy_scope_cost:
        raise DomainError(VisitError.BASIC_ABOVE_SCOPE)
    if critical_illness_paid is not None and critical_illness_paid > policy_scope_cost - basic_insurance_paid:
        raise DomainError(VisitError.CRITICAL_ILLNESS_ABOVE_REST)
    if supplementary_paid > policy_scope_cost - basic_insurance_paid - (critical_illness_paid or ZERO):
        raise DomainError(VisitError.SUPPLEMENTARY_ABOVE_REST)
    if discharged < admitted:
        raise DomainError(VisitError.DISCHARGE_BEFORE_ADMISSION)
    today = timezone.localdate()
    check_date(admitted, label=str(Visit._meta.get_field("admitted").verbose_name), not_after=today)
    check_date(discharged, label=str(Visit._meta.get_field("discharged").verbose_name), not_after=today)


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
    assistance_paid_at_hospital: Decimal = ZERO,
    supplementary_paid: Decimal = ZERO,
    insurance_scheme: str | None = None,
    hospital: Hospital | None = None,
    in_province: bool | None = None,
    in_city: bool = True,
    offsite_filed: bool = False,
    settlement_ref: str | None = None,
    source: str = Visit.Source.MANUAL,
) -> Visit:
    """Record a visit (就医记录) entered by hand or imported. Refused when its year has no policy year.
    ``insurance_scheme`` None: the scheme the person is registered with."""
    if by is not None and not claimant.hukou_region_id.startswith(by.region_id):
        raise DomainError(VisitError.OUTSIDE_REGION)
    insurance_scheme = insurance_scheme or claimant.scheme
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
        assistance_paid_at_hospital=assistance_paid_at_hospital,
        supplementary_paid=supplementary_paid,
        insurance_scheme=insurance_scheme,
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
        assistance_paid_at_hospital=assistance_paid_at_hospital,
        supplementary_paid=supplementary_paid,
        insurance_scheme=insurance_scheme,
        source=source,
    )


# Settlement ------------------------------------------------------------------------------------------

# Functions of higher layers that keep figures derived from the settlements (the dashboard roll-ups):
# ``follower(settlements, sign, region_ids)`` with sign 1 for new settlements and -1 for a reversal, and
# each person's hukou township in the order of ``settlements``; called by ``settle_visit``,
# ``settle_visits`` (once per chunk) and ``reverse_settlement`` inside their transaction. The settlements
# app may not import those layers, so they connect here when their app is ready.
SETTLEMENT_FOLLOWERS = Hook("settlement followers")


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

    @property
    def reason_label(self) -> str:
        """The reason in words (``SettlementReason``), never its code."""
        reason = self.result.reason
        return str(SettlementReason(reason).label) if reason else ""

    @property
    def assistance_paid_at_hospital(self) -> Decimal:
        return self.visit.assistance_paid_at_hospital

    @property
    def assistance_owed(self) -> Decimal:
        return assistance_owed(self.result.assistance, self.visit.assistance_paid_at_hospital)

    @property
    def assistance_overpaid(self) -> Decimal:
        return max(self.visit.assistance_paid_at_hospital - self.result.assistance, ZERO)


def assistance_owed(assistance: Decimal, paid_at_hospital: Decimal) -> Decimal:
    """What the back office still owes when the hospital paid part of the assistance (maf_pay): the
    difference, never negative (an overpayment is shown as a warning, not paid back as a negative)."""
    return max(assistance - paid_at_hospital, ZERO)


def _check_settled_on(visit: Visit, settled_on: dt.date | None) -> None:
    if settled_on is not None and (settled_on < visit.discharged or settled_on.year != visit.year):
        raise DomainError(SettlementError.SETTLED_ON_INVALID)


def preview_settlement(*, visit: Visit, settled_on: dt.date | None = None) -> SettlementPreview:
    """What ``settle_visit`` would store now, computed by the same path, without locking or writing."""
    _check_settled_on(visit, settled_on)
    person_year = context.read([(visit.claimant_id, visit.year)], lock=False)[visit.claimant_id, visit.year]
    person_year.check_not_settled(visit.pk)
    assessment = _assessment(visit, person_year.context(), person_year.ledger, settled_on)
    return SettlementPreview(
        visit=visit,
        policy_year=PolicyYear.objects.get(pk=person_year.context().policy_year_id),
        result=assessment.result,
        deltas=assessment.deltas,
        out_of_order=person_year.out_of_order(visit.discharged),
        settled_on=settled_on,
        ledger_before=adapter.ledger_of(person_year.ledger.values()),
    )


_INSERTED_FIELDS = tuple(f for f in Settlement._meta.concrete_fields if not f.primary_key)
_INSERT_SQL = (
    f"INSERT INTO {Settlement._meta.db_table} ({', '.join(f.column for f in _INSERTED_FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_INSERTED_FIELDS))}) RETURNING id"
)
_TIER_ROW = "(%s, %s, %s, CAST(%s AS NUMERIC), %s)"
_INSERT_WITH_TIERS_SQL = (
    f"WITH s AS ({_INSERT_SQL}), t AS (INSERT INTO {SettlementTier._meta.db_table} "  # noqa: S608
    "(settlement_id, position, code, name, amount, fund) "
    "SELECT s.id, v.position, v.code, v.name, v.amount, v.fund FROM s CROSS JOIN (VALUES {rows}) "
    "AS v(position, code, name, amount, fund)) SELECT id FROM s"
)


def _insert_settlement(settlement: Settlement) -> None:
    """INSERT ``settlement`` (its fields prepared as the ORM would) and its tier rows, and set its id: one
    statement on PostgreSQL (the tiers in a data-modifying CTE), two elsewhere."""
    params = [
        field.get_db_prep_save(field.pre_save(settlement, True), connection) for field in _INSERTED_FIELDS
    ]
    tiers = settlement.new_tiers
    values = [value for tier in tiers for value in tier]
    together = connection.vendor == "postgresql"
    sql = _INSERT_WITH_TIERS_SQL.format(rows=", ".join([_TIER_ROW] * len(tiers))) if together else _INSERT_SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, params + values if together else params)
        (settlement.pk,) = cursor.fetchone()
    settlement._state.adding = False
    settlement._state.db = connection.alias
    if not together:
        _insert_tiers(settlement)


@transaction.atomic
def settle_visit(*, visit: Visit, by: User | None, settled_on: dt.date | None = None) -> Settlement:
    """Settle one visit (一站式结算): 大病保险 and every assistance tier, against the person's annual ledger.

    - One settlement in force per visit: a second attempt is refused with ``already_settled`` (the
      partial unique constraint refuses the INSERT, which runs under the ledger lock).
    - The person's ledger rows of the visit's year are locked in primary-key order first
      (``settlements.locks``), so concurrent settlements of one person never exceed a cap.
    - Visits are meant to be settled in discharge order. A visit discharged before one already settled is
      settled against the current ledger and flagged ``out_of_order``; the resettlement list
      (``selectors.resettlement_candidates``) then shows any difference from settling the year in order.
    - ``settled_on``: the date of an approved written application (书面申请, Mianyang A-MY8). The engine
      then also counts identities certified up to that date (same year, on or after discharge). The
      application workflow calls ``settle_visit(visit=v, by=officer, settled_on=application.date)`` for
      each covered visit that has no settlement in force; one-stop settlement at the hospital passes None.
    - The followers (``SETTLEMENT_FOLLOWERS``: the dashboard roll-ups) add the settlement in the same
      transaction.
    """
    return _settle(visit, by, settled_on)


def _settle(visit: Visit, by: User | None, settled_on: dt.date | None) -> Settlement:
    """One visit in the caller's transaction: ledger rows locked and context read (a batch of one), engine,
    INSERT, counters, followers."""
    claimant_id, year = visit.claimant_id, visit.year
    _check_settled_on(visit, settled_on)
    person_year = context.read([(claimant_id, year)], lock=True)[claimant_id, year]
    person_year.check_not_settled(visit.pk)
    read = person_year.context()
    rows = person_year.ledger
    assessment = _assessment(visit, read, rows, settled_on)
    locks.lock_extra_counters(claimant_id=claimant_id, year=year, rows=rows, names=assessment.deltas)
    settlement = _settlement_of(visit, read, assessment, by, settled_on)
    settlement.out_of_order = person_year.out_of_order(visit.discharged)
    try:
        _insert_settlement(settlement)
    except IntegrityError as exc:  # the partial unique index: a settlement in force already exists
        raise DomainError(SettlementError.ALREADY_SETTLED) from exc
    locks.add_to_counters(rows, assessment.deltas)
    _keep_computed_critical_illness([settlement])
    SETTLEMENT_FOLLOWERS.call([settlement], 1, [read.region_id])
    return settlement


def _keep_computed_critical_illness(settlements: list[Settlement], *, reversed_: bool = False) -> None:
    """Copy the computed 大病 tier onto visits that gave none (``Visit.critical_illness_settled``), or clear
    it when the settlement is reversed. A tier of 0 is not copied (NULL counts as 0), so most settlements
    write nothing more; otherwise one UPDATE for the lot."""
    computed = {
        s.visit_id: None if reversed_ else s.critical_illness_insurance
        for s in settlements
        if s.visit.critical_illness_paid is None and s.critical_illness_insurance
    }
    if not computed:
        return
    last = settlements[-1]  # the visits' history: who settled (or reversed) them, and why
    by, reason = (
        (last.reversed_by_id, f"冲正：{last.reversal_reason}") if reversed_ else (last.settled_by_id, "结算")
    )
    pairs = [value for visit_id, amount in computed.items() for value in (visit_id, amount)]
    # One UPDATE … FROM (VALUES …) (a CASE of 500 branches cost more), with the visits' history records.
    sql = _COMPUTED_CI_SQL.format(rows=", ".join(["(%s, CAST(%s AS NUMERIC))"] * len(computed)))
    history.recorded_update(Visit, computed, sql, pairs, by=by, reason=reason)


# A CTE, as SQLite names no columns of a derived table; {rows} is placeholders only.
_COMPUTED_CI_SQL = (
    "WITH v(id, amount) AS (VALUES {rows}) "  # noqa: S608
    f"UPDATE {Visit._meta.db_table} SET critical_illness_settled = v.amount "
    f"FROM v WHERE {Visit._meta.db_table}.id = v.id"
)


def _assessment(visit: Visit, read: context.Context, rows: Mapping[str, locks.LockedCounter], settled_on):
    """The engine's assessment of ``visit`` against the ledger ``rows``; a refusal raises."""
    try:
        return assess_visit(
            jurisdiction=read.jurisdiction,
            year=visit.year,
            parameters=read.parameters,
            certifications=read.certifications,
            ledger=adapter.ledger_of(rows.values()),
            visit=adapter.visit_of(visit, settled_on=settled_on),
        )
    except PolicyInputError as exc:
        raise context.refusal(exc) from exc


def _settlement_of(
    visit: Visit, read: context.Context, assessment, by: User | None, settled_on
) -> Settlement:
    """The settlement row of an assessment and its tier rows (not yet stored); both paths store exactly
    these."""
    result = assessment.result
    assistance = result.assistance
    settlement = Settlement(
        visit=visit,
        claimant_id=visit.claimant_id,
        year=visit.year,
        discharged=visit.discharged,
        policy_year_id=read.policy_year_id,
        policy_version=read.policy_version,
        category=result.category or "",
        reason=result.reason.value if result.reason else "",
        pool=result.pool.value if result.pool else "",
        fund=result.fund.value if result.fund else "",
        policy_scope_cost=visit.policy_scope_cost,
        basic_insurance_paid=visit.basic_insurance_paid,
        supplementary_paid=visit.supplementary_paid,
        critical_illness_insurance=result.critical_illness_insurance,
        assistance=assistance,
        personal_burden=result.personal_burden,
        assistance_paid_at_hospital=visit.assistance_paid_at_hospital,
        assistance_owed=assistance_owed(assistance, visit.assistance_paid_at_hospital),
        explanation=[{"zh": line.zh, "en": line.en} for line in result.explanation],
        deltas={name: str(delta) for name, delta in assessment.deltas.items()},
        settled_on=settled_on,
        settled_by=by,
    )
    # Its tier rows, stored with it: (position, code, name, amount, fund) of each (``Settlement.new_tiers``).
    fund = result.fund or ""
    settlement.new_tiers = [
        (position, name.code, name.name_zh, amount, fund)
        for position, (name, amount) in enumerate(zip(result.tier_names, result.amounts, strict=True))
    ]
    return settlement


# A batch commits once per chunk: the WAL flush, the cost of a settlement's commit, is paid once for
# this many visits, and every read and write of the chunk is one statement for all its visits. The
# ledger rows of every person in a chunk stay locked until the chunk commits.
BATCH_CHUNK_SIZE = 500


@dataclass(frozen=True)
class Refusal:
    """A visit a batch did not settle: the refusal's stable code and its message."""

    visit: Visit
    code: str
    message: str


@dataclass(frozen=True)
class BatchOutcome:
    settlements: list[Settlement]
    refusals: list[Refusal]


def settle_visits(
    *,
    visits: Iterable[Visit],
    by: User | None,
    settled_on: dt.date | None = None,
    chunk_size: int = BATCH_CHUNK_SIZE,
) -> BatchOutcome:
    """Settle many visits (a day's imported records, a reviewer's page of pending visits) at once.

    The visits are settled in discharge order, then primary key, in chunks of ``chunk_size``, one
    transaction (one durable commit) per chunk. A chunk takes a batch lock (one chunk of any batch at a
    time), locks the ledger rows of all its person-years in (claimant, year) order, reads its people's
    context and the settlements already in force of those person-years, then runs the engine visit by
    visit against the locked ledger kept in memory, and writes all the chunk's settlements, counters and
    roll-ups with one statement each. A settlement stores what ``settle_visit`` would store at that
    moment: the same context, engine, row (``_settlement_of``) and ``out_of_order`` rule.

    A visit the rules refuse (already settled, no policy year, unknown category …) is reported in
    ``refusals`` and leaves the ledger as it was; the others are kept. A hospital window settling one of
    the chunk's people waits for the chunk (well under a second for 500 visits). An error that is not a
    refusal (a lost connection) rolls the current chunk back whole and propagates; earlier chunks stay
    committed.
    """
    ordered = sorted(visits, key=lambda visit: (visit.discharged, visit.pk))
    outcome = BatchOutcome(settlements=[], refusals=[])
    for start in range(0, len(ordered), chunk_size):
        with transaction.atomic():
            _settle_chunk(ordered[start : start + chunk_size], by, settled_on, outcome)
    return outcome


def _settle_chunk(chunk: list[Visit], by: User | None, settled_on: dt.date | None, outcome: BatchOutcome):
    locks.lock_batch()
    person_years = context.read(((visit.claimant_id, visit.year) for visit in chunk), lock=True)
    settlements: list[Settlement] = []
    region_ids: list[str] = []
    changed: set[tuple[int, int, str]] = set()
    for visit in chunk:
        key = (visit.claimant_id, visit.year)
        person_year = person_years[key]
        try:
            _check_settled_on(visit, settled_on)
            person_year.check_not_settled(visit.pk)
            read = person_year.context()
            assessment = _assessment(visit, read, person_year.ledger, settled_on)
        except DomainError as exc:
            outcome.refusals.append(Refusal(visit=visit, code=str(exc.code), message=exc.message))
            continue
        for name, delta in assessment.deltas.items():
            if delta:
                row = person_year.ledger.setdefault(name, locks.LockedCounter(None, name, ZERO))
                row.amount += Decimal(delta)
                changed.add((*key, name))
        settlement = _settlement_of(visit, read, assessment, by, settled_on)
        settlement.out_of_order = person_year.out_of_order(visit.discharged)
        person_year.settled.add(visit.pk)
        settlements.append(settlement)
        region_ids.append(read.region_id)
    if not settlements:
        return
    _store_settlements(settlements)
    _keep_computed_critical_illness(settlements)
    locks.store_counters(
        {(c, y, name): person_years[c, y].ledger[name].amount for c, y, name in sorted(changed)}
    )
    SETTLEMENT_FOLLOWERS.call(settlements, 1, region_ids)
    outcome.settlements.extend(settlements)


def _store_settlements(settlements: list[Settlement]) -> None:
    """INSERT a chunk's settlements (PostgreSQL: keys from the sequence, then one COPY) and set their keys."""
    settled_at = timezone.now()
    for settlement in settlements:
        settlement.settled_at = settled_at
    rows = [{field.attname: getattr(s, field.attname) for field in _INSERTED_FIELDS} for s in settlements]
    for settlement, key in zip(settlements, bulk_insert(Settlement, rows), strict=True):
        settlement.pk = key
        settlement._state.adding = False
        settlement._state.db = connection.alias
    _copy_tiers(settlements)


def _copy_tiers(settlements: list[Settlement]) -> None:
    """A chunk's tier rows in one statement: PostgreSQL COPY (their ids from the column default, as nothing
    reads them back), elsewhere ``bulk_create``."""
    if connection.vendor != "postgresql":
        SettlementTier.objects.bulk_create(
            SettlementTier(None, settlement.pk, *tier)
            for settlement in settlements
            for tier in settlement.new_tiers
        )
        return
    quote = connection.ops.quote_name
    sql = f"COPY {quote(SettlementTier._meta.db_table)} ({', '.join(map(quote, _TIER_COLUMNS))}) FROM STDIN"
    # COPY's text format written at once (a ``write_row`` a row costs more than the rest of the rows' path):
    # ids, positions, amounts and the declared codes, names and fund codes hold no tab, newline or backslash.
    text = "".join(
        f"{settlement.pk}\t{position}\t{code}\t{name}\t{amount}\t{fund}\n"
        for settlement in settlements
        for position, code, name, amount, fund in settlement.new_tiers
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(text)


_TIER_COLUMNS = ("settlement_id", "position", "code", "name", "amount", "fund")
_INSERT_TIERS_SQL = (
    f"INSERT INTO {SettlementTier._meta.db_table} ({', '.join(_TIER_COLUMNS)}) VALUES {{rows}}"  # noqa: S608
)


def _insert_tiers(settlement: Settlement) -> None:
    """INSERT a settlement's tier rows in one statement (the single-visit path off PostgreSQL)."""
    placeholders = "(" + ", ".join(["%s"] * len(_TIER_COLUMNS)) + ")"
    params = [value for tier in settlement.new_tiers for value in (settlement.pk, *tier)]
    rows = ", ".join([placeholders] * len(settlement.new_tiers))
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_TIERS_SQL.format(rows=rows), params)


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
    settlement._history_user, settlement._change_reason = by, reason  # its history record: who and why
    settlement.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    _keep_computed_critical_illness([settlement], reversed_=True)
    SETTLEMENT_FOLLOWERS.call([settlement], -1, [settlement.visit.claimant.hukou_region_id])
    return settlement
