"""How settlements are stored: the INSERT of one settlement with its tier rows, the COPY of a batch's
chunk, and the computed 大病 tier copied onto (or cleared from) the visits."""

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from claimants.imports import bulk_insert
from settlements import history
from settlements.models import Settlement, SettlementTier, Visit

_INSERTED_FIELDS = tuple(f for f in Settlement._meta.concrete_fields if not f.primary_key)
_INSERT_SQL = (
    f"INSERT INTO {Settlement._meta.db_table} ({', '.join(f.column for f in _INSERTED_FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_INSERTED_FIELDS))}) RETURNING id"
)
_TIER_ROW = "(%s, %s, %s, CAST(%s AS NUMERIC), %s)"
_TIERS_OF_S_SQL = (
    f"INSERT INTO {SettlementTier._meta.db_table} (settlement_id, position, code, name, amount, fund) "  # noqa: S608
    "SELECT s.id, v.position, v.code, v.name, v.amount, v.fund FROM s CROSS JOIN (VALUES {rows}) "
    "AS v(position, code, name, amount, fund)"
)


def _insert_settlement(settlement: Settlement, writes: Sequence[history.Write] = ()) -> None:
    """INSERT ``settlement`` (its fields prepared as the ORM would) and its tier rows, then ``writes`` (the
    ledger, the visit, the followers' rows), and set its id. On PostgreSQL one statement: the INSERT, its
    tier rows and the writes are data-modifying CTEs; elsewhere one statement each."""
    params = [
        field.get_db_prep_save(field.pre_save(settlement, True), connection) for field in _INSERTED_FIELDS
    ]
    together = connection.vendor == "postgresql"
    if together:
        tiers = settlement.new_tiers
        rows = ", ".join([_TIER_ROW] * len(tiers))
        parts = [
            ("s", _INSERT_SQL, params),
            ("t", _TIERS_OF_S_SQL.format(rows=rows), [value for tier in tiers for value in tier]),
            *writes,
        ]
        sql, params = history.one_statement(parts, "SELECT id FROM s"), history.params_of(parts)
    else:
        sql = _INSERT_SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (settlement.pk,) = cursor.fetchone()
    settlement._state.adding = False
    settlement._state.db = connection.alias
    if not together:
        _insert_tiers(settlement)
        history.run_writes(writes)


def computed_critical_illness(
    settlements: list[Settlement], *, reversed_: bool = False
) -> list[history.Write]:
    """The writes that copy the computed 大病 tier onto visits that gave none, or clear it when the
    settlement is reversed, with the visits' history records. A tier of 0 is not copied (NULL counts as 0),
    so most settlements write nothing more; otherwise one UPDATE for the lot."""
    computed = {
        s.visit_id: None if reversed_ else s.critical_illness_insurance
        for s in settlements
        if s.visit.critical_illness_paid is None and s.critical_illness_insurance
    }
    if not computed:
        return []
    last = settlements[-1]  # the visits' history: who settled (or reversed) them, and why
    by, reason = (
        (last.reversed_by_id, history.reversed_because(last.reversal_reason))
        if reversed_
        else (last.settled_by_id, history.SETTLED)
    )
    pairs = [value for visit_id, amount in computed.items() for value in (visit_id, amount)]
    # One UPDATE … FROM (VALUES …) (a CASE of 500 branches cost more), with the visits' history records.
    sql = _COMPUTED_CI_SQL.format(rows=", ".join(["(%s, CAST(%s AS NUMERIC))"] * len(computed)))
    return history.update_writes(Visit, computed, sql, pairs, by=by, reason=reason)


# A CTE, as SQLite names no columns of a derived table; {rows} is placeholders only.
_COMPUTED_CI_SQL = (
    "WITH v(id, amount) AS (VALUES {rows}) "  # noqa: S608
    f"UPDATE {Visit._meta.db_table} SET critical_illness_settled = v.amount "
    f"FROM v WHERE {Visit._meta.db_table}.id = v.id"
)


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
