"""Settling one visit (一站式结算) and previewing it: the engine's assessment against the person's locked
ledger, and the settlement row it stores."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from claimants.hooks import Hook
from claimants.models import User
from core.errors import DomainError
from settlements import adapter, context, history, locks
from settlements.errors import SettlementError
from settlements.models import PolicyYear, Settlement, SettlementReason, Visit
from settlements.money import ZERO
from settlements.policy.engine import assess_visit
from settlements.policy.errors import PolicyInputError
from settlements.policy.results import VisitResult
from settlements.policy.types import Ledger
from settlements.services.storage import _insert_settlement, computed_critical_illness

# Functions of higher layers that keep figures derived from the settlements (the dashboard roll-ups, the
# person-year totals): ``follower(settlements, sign, region_ids)`` with sign 1 for new settlements and -1 for
# a reversal, and each person's hukou township in the order of ``settlements``, returns the writes that
# keep its figures, (name, sql, params) each (``settlements.history.Write``, named uniquely). The settling
# services run them in their transaction: ``settle_visit`` within its INSERT statement on PostgreSQL,
# ``settle_visits`` (once per chunk) and ``reverse_settlement`` with the visits' computed 大病, one
# statement on PostgreSQL (``follower_writes``). The settlements app may not import those layers, so they
# connect here when their app is ready.
SETTLEMENT_FOLLOWERS = Hook("settlement followers")


def follower_writes(settlements: list[Settlement], sign: int, region_ids: list[str]) -> list[history.Write]:
    """The computed 大病 copied onto the visits (cleared, ``sign=-1``) and the followers' writes."""
    writes = computed_critical_illness(settlements, reversed_=sign < 0)
    for written in SETTLEMENT_FOLLOWERS.call(settlements, sign, region_ids):
        writes.extend(written)
    return writes


@dataclass(frozen=True)
class SettlementPreview:
    """What settling a visit now would store: the engine's result and counter deltas, and the flags."""

    visit: Visit
    policy_year: PolicyYear
    result: VisitResult
    deltas: Mapping[str, Decimal]
    out_of_order: bool
    settled_on: dt.date | None
    ledger_before: Ledger

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
    - The followers (``SETTLEMENT_FOLLOWERS``: the dashboard roll-ups, the person-year totals) add the
      settlement in the same transaction (on PostgreSQL, in the same statement).
    """
    return _settle(visit, by, settled_on)


def _settle(visit: Visit, by: User | None, settled_on: dt.date | None) -> Settlement:
    """One visit in the caller's transaction: ledger rows locked and context read (a batch of one), engine,
    INSERT with the counters and the followers' writes."""
    claimant_id, year = visit.claimant_id, visit.year
    _check_settled_on(visit, settled_on)
    person_year = context.read([(claimant_id, year)], lock=True)[claimant_id, year]
    person_year.check_not_settled(visit.pk)
    read = person_year.context()
    rows = person_year.ledger
    assessment = _assessment(visit, read, rows, settled_on)
    settlement = _settlement_of(visit, read, assessment, by, settled_on)
    settlement.out_of_order = person_year.out_of_order(visit.discharged)
    # The counters, the visit's computed 大病 and the followers' writes: in the INSERT on PostgreSQL.
    writes = locks.counter_writes(claimant_id=claimant_id, year=year, rows=rows, deltas=assessment.deltas)
    writes += follower_writes([settlement], 1, [read.region_id])
    try:
        _insert_settlement(settlement, writes)
    except IntegrityError as exc:  # the partial unique index: a settlement in force already exists
        raise DomainError(SettlementError.ALREADY_SETTLED) from exc
    return settlement


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
