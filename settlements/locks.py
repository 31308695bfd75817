"""Row locks of the settlements app, in one place and always in the same order.

Every settlement or reversal of a person's visit locks that person's ledger rows of the year, ordered by
primary key, in one query, before it reads the counters; so two concurrent settlements for one person
run one after the other and a cap holds across them. The first settlement of a person's year creates the
rows with ``INSERT … ON CONFLICT DO NOTHING`` (a concurrent creator waits on the unique index, then
does nothing) and locks them again. Counter rows that appear later (counters kept per category) are
created while the base rows are already locked, so no other transaction of that person-year can race.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.db import connection
from django.db.models.query import RawQuerySet
from django.utils import timezone

from settlements.models import LedgerEntry, Settlement
from settlements.policy.types import Counter

BASE_COUNTERS = tuple(Counter)


_LEDGER_SQL = f"SELECT * FROM {LedgerEntry._meta.db_table} WHERE claimant_id = %s AND year = %s"  # noqa: S608


def _ledger_rows(claimant_id: int, year: int, counters=()) -> RawQuerySet:
    """The rows in primary-key order, locked (fixed SQL: an ORM query costs more to build than to run)."""
    sql, params = _LEDGER_SQL, [claimant_id, year]
    if counters:
        sql += f" AND counter IN ({', '.join(['%s'] * len(counters))})"
        params += list(counters)
    sql += " ORDER BY id"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return LedgerEntry.objects.raw(sql, params)


def lock_ledger(*, claimant_id: int, year: int) -> dict[str, LedgerEntry]:
    """Lock (creating when missing) the person's ledger rows of ``year``: counter name -> row."""
    rows = {row.counter: row for row in _ledger_rows(claimant_id, year)}
    if len(rows) < len(BASE_COUNTERS) or any(name not in rows for name in BASE_COUNTERS):
        create_counters(claimant_id=claimant_id, year=year, names=BASE_COUNTERS)
        rows = {row.counter: row for row in _ledger_rows(claimant_id, year)}
    return rows


def create_counters(*, claimant_id: int, year: int, names) -> None:
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(claimant_id=claimant_id, year=year, counter=name) for name in names],
        ignore_conflicts=True,
    )


def lock_extra_counters(*, claimant_id: int, year: int, rows: dict[str, LedgerEntry], names) -> None:
    """Add rows for counter names the engine returned that the person's year does not have yet."""
    missing = [name for name in names if name not in rows]
    if not missing:
        return
    create_counters(claimant_id=claimant_id, year=year, names=missing)
    for row in _ledger_rows(claimant_id, year, missing):
        rows[row.counter] = row


def add_to_counters(rows: dict[str, LedgerEntry], deltas: Mapping[str, Decimal]) -> None:
    """Add ``deltas`` to the locked rows: one UPDATE with the new amounts (the rows cannot change meanwhile)."""
    changed = [rows[name] for name, delta in deltas.items() if delta]
    for name, delta in deltas.items():
        if delta:
            rows[name].amount += Decimal(delta)
    if not changed:
        return
    table = LedgerEntry._meta.db_table
    cases = " ".join(["WHEN %s THEN %s"] * len(changed))
    ids = ", ".join(["%s"] * len(changed))
    params = [value for row in changed for value in (row.pk, row.amount)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET amount = CASE id {cases} END, updated_at = %s WHERE id IN ({ids})",  # noqa: S608
            [*params, timezone.now(), *(row.pk for row in changed)],
        )


def lock_settlement(settlement_id: int) -> Settlement:
    """Lock one settlement row (taken after the person's ledger rows)."""
    return Settlement.objects.select_for_update(of=("self",)).select_related("visit").get(pk=settlement_id)
