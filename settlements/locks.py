"""Row locks of the settlements app, in one place and always in the same order.

The person-year is the unit of locking. Every settlement or reversal of a person's visit locks that
person's ledger rows of the year, ordered by primary key, before it reads the counters; so two
concurrent settlements for one person run one after the other and every cap holds across them.

A lock alone does not read the counters right: in PostgreSQL's READ COMMITTED, a ``SELECT … FOR UPDATE``
that waited for another transaction returns the rows its statement saw when it began, re-checked, but
never a row that the other transaction inserted (倾斜救助, 重特大疾病医疗救助, 依申请 and per-category
counters are created on first use). So the lock is one statement and the read is the next one, which
sees every row committed by then; no other transaction can change or add a row of that person-year
meanwhile, since it would first wait for the base rows this one holds.

The first settlement of a person's year creates the base rows with ``INSERT … ON CONFLICT DO NOTHING
RETURNING``: the rows it inserted are its own (locked until it commits); a concurrent creator waits on
the unique index, then inserts nothing and locks and reads the person-year again.

The settlement path runs these for every visit, so they are fixed SQL on a plain cursor returning plain
rows: building an ORM query or a model instance per row costs more than the round trip.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from core.sql import int_rows, rows_source
from settlements.history import Write
from settlements.models import LedgerEntry, Settlement
from settlements.policy.types import Counter

BASE_COUNTERS = (
    Counter.CI_BASE,
    Counter.INPATIENT_BASE,
    Counter.INPATIENT_PAID,
    Counter.OUTPATIENT_BASE,
    Counter.OUTPATIENT_PAID,
)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_TABLE = LedgerEntry._meta.db_table
_ROW_COLUMNS = (
    ("claimant_id", "bigint"),
    ("year", "smallint"),
    ("counter", "varchar"),
    ("amount", "numeric"),
    ("updated_at", "timestamptz"),
)
_LEDGER_SQL = f"SELECT id, counter, amount FROM {_TABLE} WHERE claimant_id = %s AND year = %s"  # noqa: S608
_LOCK_LEDGERS_SQL = (
    f"SELECT claimant_id, year FROM {_TABLE} "  # noqa: S608
    "WHERE (claimant_id, year) IN (VALUES {keys}) ORDER BY claimant_id, year, id FOR UPDATE"
)


@dataclass(slots=True)
class LockedCounter:
    """One locked ledger row: what the engine reads (``counter``, ``amount``) and the key to update it."""

    pk: int | None  # None: a row a batch adds (``store_counters``)
    counter: str
    amount: Decimal


def _money(value) -> Decimal:
    # PostgreSQL returns Decimal; SQLite stores NUMERIC as a float or an integer.
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def _rows(cursor) -> dict[str, LockedCounter]:
    return {counter: LockedCounter(pk, counter, _money(amount)) for pk, counter, amount in cursor.fetchall()}


def _lock_rows(claimant_id: int, year: int) -> dict[str, LockedCounter]:
    """Lock the person-year's rows in primary-key order, then read them all (see the module docstring)."""
    with connection.cursor() as cursor:
        if connection.features.has_select_for_update:
            cursor.execute(f"{_LEDGER_SQL} ORDER BY id FOR UPDATE", [claimant_id, year])
            if not cursor.fetchall():
                return {}
        cursor.execute(_LEDGER_SQL, [claimant_id, year])
        return _rows(cursor)


def _create(claimant_id: int, year: int, names: Iterable[str]) -> dict[str, LockedCounter]:
    """Insert the missing rows of ``names``; returns the rows this transaction inserted (and so holds)."""
    names = list(names)
    values = ", ".join(["(%s, %s, %s, 0, %s)"] * len(names))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [value for name in names for value in (claimant_id, year, name, now)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (claimant_id, year, counter, amount, updated_at) VALUES {values} "  # noqa: S608
            "ON CONFLICT (claimant_id, year, counter) DO NOTHING RETURNING id, counter, amount",
            params,
        )
        return _rows(cursor)


def lock_ledger(*, claimant_id: int, year: int) -> dict[str, LockedCounter]:
    """Lock (creating when missing) the person's ledger rows of ``year``: counter name -> row."""
    rows = _lock_rows(claimant_id, year)
    missing = [name for name in BASE_COUNTERS if name not in rows]
    if missing:
        created = _create(claimant_id, year, missing)
        rows.update(created)
        if len(created) < len(missing):  # a concurrent settlement created them first: wait, then read all
            rows = _lock_rows(claimant_id, year)
    return rows


def lock_person_years(pairs: list[tuple[int, int]]) -> None:
    """Lock the ledger rows of many person-years at once, ordered by (claimant, year, primary key), and
    create the base rows of those that have none (then held by this transaction; when a concurrent
    settlement created them first, wait for it and lock them). The caller reads the rows in a statement
    after this one (``context.read``, with the rest of what a settlement reads: see the module docstring)
    and hands them to ``add_missing``. A batch takes them all before its first roll-up write, so it never
    waits for a person's ledger while holding a row that a single settlement may be waiting for. Nothing
    here on a database without row locks: ``add_missing`` creates the rows there."""
    if not connection.features.has_select_for_update:
        return
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_LEDGERS_SQL.format(keys=int_rows(pairs)))
        locked = set(cursor.fetchall())
    if new := {pair: {} for pair in pairs if pair not in locked}:
        add_missing(new)


def add_missing(ledgers: dict[tuple[int, int], dict[str, LockedCounter]]) -> None:
    """Create the base rows missing from the ledgers read after ``lock_person_years``: (claimant id, year)
    -> counter name -> row, completed in place. One statement, only when a row is missing."""
    missing = [(c, y, name) for (c, y), rows in ledgers.items() for name in BASE_COUNTERS if name not in rows]
    if not missing:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    source, params = rows_source(_ROW_COLUMNS, [(*row, ZERO, now) for row in missing])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (claimant_id, year, counter, amount, updated_at) {source} "
            "ON CONFLICT (claimant_id, year, counter) DO NOTHING RETURNING claimant_id, year, id, counter, amount",
            params,
        )
        _collect(ledgers, cursor.fetchall())
    for claimant_id, year in sorted({(c, y) for c, y, name in missing if name not in ledgers[c, y]}):
        # A concurrent settlement created them first: wait for it, then lock and read them all.
        ledgers[claimant_id, year].update(_lock_rows(claimant_id, year))


def counter(pk: int, name: str, amount) -> LockedCounter:
    """A ledger row as read (``context.read`` reads them after the lock)."""
    return LockedCounter(pk, name, _money(amount))


def _collect(ledgers, fetched) -> None:
    for claimant_id, year, pk, counter, amount in fetched:
        ledgers[claimant_id, year][counter] = LockedCounter(pk, counter, _money(amount))


def lock_extra_counters(*, claimant_id: int, year: int, rows: dict[str, LockedCounter], names) -> None:
    """Add rows for counter names the engine returned that the person's year does not have yet."""
    missing = [name for name in names if name not in rows]
    if not missing:
        return
    created = _create(claimant_id, year, missing)
    rows.update(created)
    if len(created) < len(missing):  # cannot happen while the base rows are held; read them rather than guess
        rows.update(_lock_rows(claimant_id, year))


def add_to_counters(rows: dict[str, LockedCounter], deltas: Mapping[str, Decimal]) -> None:
    """Add ``deltas`` to the locked rows: one UPDATE with the new amounts (the rows cannot change meanwhile)."""
    changed = [rows[name] for name, delta in deltas.items() if delta]
    for name, delta in deltas.items():
        if delta:
            rows[name].amount += Decimal(delta)
    if not changed:
        return
    with connection.cursor() as cursor:
        cursor.execute(*_new_amounts(changed, connection.ops.adapt_datetimefield_value(timezone.now())))


def _new_amounts(changed: list[LockedCounter], now) -> tuple[str, list]:
    """The UPDATE that stores the ``changed`` rows' amounts, and its parameters."""
    cases = " ".join(["WHEN %s THEN %s"] * len(changed))
    ids = ", ".join(["%s"] * len(changed))
    params = [value for row in changed for value in (row.pk, row.amount)]
    sql = f"UPDATE {_TABLE} SET amount = CASE id {cases} END, updated_at = %s WHERE id IN ({ids})"  # noqa: S608
    return sql, [*params, now, *(row.pk for row in changed)]


def counter_writes(
    *, claimant_id: int, year: int, rows: dict[str, LockedCounter], deltas: Mapping[str, Decimal]
) -> list[Write]:
    """What ``lock_extra_counters`` then ``add_to_counters`` store, as writes (``history.Write``) that the
    single-visit path carries in its settlement's INSERT statement: the changed rows' new amounts (one
    UPDATE, as ``add_to_counters``), and the rows of counter names the person's year does not have yet,
    inserted with their delta (0 for a zero delta, as ``lock_extra_counters`` creates them). No other
    transaction can create those meanwhile, since it would first wait for the base rows; were one there
    all the same, the delta is added to it. ``rows`` get their new amounts (a new row without its key)."""
    writes: list[Write] = []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    changed = [rows[name] for name, delta in deltas.items() if delta and name in rows]
    missing = [(name, Decimal(delta)) for name, delta in deltas.items() if name not in rows]
    for row in changed:
        row.amount += Decimal(deltas[row.counter])
    if changed:
        writes.append(("counters", *_new_amounts(changed, now)))
    if missing:
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(missing))
        sql = (
            f"INSERT INTO {_TABLE} (claimant_id, year, counter, amount, updated_at) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (claimant_id, year, counter) DO UPDATE "
            f"SET amount = {_TABLE}.amount + excluded.amount, updated_at = excluded.updated_at"
        )
        params = [value for name, delta in missing for value in (claimant_id, year, name, delta, now)]
        writes.append(("new_counters", sql, params))
        rows.update((name, LockedCounter(None, name, delta)) for name, delta in missing)
    return writes


def store_counters(amounts: Mapping[tuple[int, int, str], Decimal]) -> None:
    """Write the new amounts of many people's counters: (claimant id, year, counter) -> amount, the base
    rows of each person-year locked by this transaction. Rows that do not exist yet (counters kept per
    category) are inserted; no other transaction can create them meanwhile, since it would first wait
    for the base rows. One statement, in key order."""
    if not amounts:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    source, params = rows_source(_ROW_COLUMNS, [(*key, amounts[key], now) for key in sorted(amounts)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (claimant_id, year, counter, amount, updated_at) {source} "
            "ON CONFLICT (claimant_id, year, counter) DO UPDATE "
            "SET amount = excluded.amount, updated_at = excluded.updated_at",
            params,
        )


def lock_settlement(settlement_id: int) -> Settlement:
    """Lock one settlement row (taken after the person's ledger rows)."""
    return (
        Settlement.objects.select_for_update(of=("self",))
        .select_related("visit__claimant")
        .get(pk=settlement_id)
    )


# pg_advisory_xact_lock key of settlement batches ("JZBS"); held until the chunk's transaction ends.
_BATCH_LOCK_KEY = 0x4A5A4253
# Other keys, taken by triggers: "JZVP" (0x4A5A5650), a visit's person (settlements migration 0022), and
# "JZPP" (0x4A5A5050), a person's places (claimants migration 0016).


def lock_batch() -> None:
    """Let one batch chunk run at a time (PostgreSQL). Two batches would take the roll-up rows of their
    townships in their own discharge orders and could deadlock; single settlements need no such lock (each
    touches one person)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BATCH_LOCK_KEY])
