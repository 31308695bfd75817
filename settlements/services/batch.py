"""Settling many visits at once, one transaction per chunk (``settle_visits``)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from claimants.models import User
from core.errors import DomainError
from settlements import context, history, locks
from settlements.models import Settlement, Visit
from settlements.money import ZERO
from settlements.services.settling import _assessment, _check_settled_on, _settlement_of, follower_writes
from settlements.services.storage import _store_settlements

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
    locks.store_counters(
        {(c, y, name): person_years[c, y].ledger[name].amount for c, y, name in sorted(changed)}
    )
    history.run_writes(follower_writes(settlements, 1, region_ids))
    outcome.settlements.extend(settlements)
