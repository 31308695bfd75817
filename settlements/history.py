"""The history of every change to visits and settlements (修改记录), written on change only.

Creation is the hot path (a platform import COPYs visits, a batch COPYs settlements), so a row's creation
writes no history row: until the row first changes, the row itself is its as-created state. The first
change of a row first copies that state into the history, as a ``+`` record dated when the row was created
(``created_at``) and, where the row names one, by whom (``created_by``); then the change adds a ``~``
record (who, when, why, the new values). Every earlier state stays readable, the first one included; a
deleted row leaves a ``-`` record with its last values, as simple_history writes it.

- ``save()``: ``ChangeHistory`` (the models' ``history``) keeps the as-created state before the UPDATE and
  lets simple_history write the ``~`` record after it, with ``_history_user`` and ``_change_reason`` set
  on the instance (or the request's user, through simple_history's middleware).
- ``QuerySet.update()``, ``bulk_update`` and raw ``UPDATE`` statements send no signal: run them inside
  ``changing(model, ids, by=…, reason=…)``, which writes both records of every row with one ``INSERT …
  SELECT`` each, in the caller's transaction; or turn a raw ``UPDATE`` into writes (``update_writes``)
  and run them (``run_writes``, or within a larger statement), which on PostgreSQL makes it and both records
  one statement.

The services change these rows under a lock (``settlements.locks``: a settlement's own row lock, the
person-year's ledger lock for the visits the settlement services change), so two first changes of one row
never both copy its as-created state; a new write path takes the row's lock first.
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

from core.roles import changed_by, staff_name


class ChangeHistory(HistoricalRecords):
    """simple_history's records, written on change only (module docstring). ``created_at`` names the
    model's column holding when a row was created; ``created_by`` the user column of whoever created it,
    if the model has one."""

    def __init__(self, *args, created_at: str, created_by: str | None = None, **kwargs):
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(*args, **kwargs)
        self.created_at = created_at
        self.created_by = created_by

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender.history_on_change = self  # read by bulk loaders: no "+" row at creation
            models.signals.pre_save.connect(self.pre_save, sender=sender, weak=False)

    def pre_save(self, instance, raw=False, using=None, **kwargs):
        if not raw and not instance._state.adding and instance.pk is not None:
            keep_as_created(type(instance), [instance.pk], using=using)

    def post_save(self, instance, created, using=None, **kwargs):
        if not created:
            super().post_save(instance, created, using=using, **kwargs)


def keep_as_created(model, ids: Iterable[int], *, using: str | None = None) -> None:
    """Copy into the history, as its ``+`` record, the stored state of each row of ``ids`` that has none
    yet: the state it was created with, as it has not changed since."""
    if keys := _keys(ids):
        connection = connections[using or DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(_as_created_sql(_shape(model, connection.alias), keys))


def record_changed(model, ids: Iterable[int], *, by, reason: str = "") -> None:
    """Add a ``~`` record with the stored state of each row of ``ids``: changed now, by ``by`` (a user, a
    user id or None), for ``reason``."""
    if keys := _keys(ids):
        shape = _shape(model, connection.alias)
        source = f"{shape.table} s WHERE s.{shape.pk} IN ({keys})"
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(shape, _CHANGED, source), _changed(by, reason))


@contextmanager
def changing(model, ids: Iterable[int], *, by, reason: str = "") -> Iterator[None]:
    """Around a ``QuerySet.update()``, ``bulk_update`` or raw ``UPDATE`` of the rows ``ids`` of ``model``
    (Visit, Settlement): their as-created state is kept before, their new state recorded after (who: ``by``,
    a user or a user id or None; why: ``reason``), in one transaction with the update."""
    ids = sorted(set(ids))
    with transaction.atomic(savepoint=False):  # the caller's transaction, with no savepoint of its own
        keep_as_created(model, ids)
        yield
        record_changed(model, ids, by=by, reason=reason)


# A write: (name, sql, params), one INSERT or UPDATE (or upsert) with no RETURNING, or none that a later
# write of the same list does not read. On PostgreSQL a list of them runs as one statement, each but the
# last as a data-modifying CTE named ``name`` (``one_statement``); elsewhere one statement each, in order.
Write = tuple[str, str, list]


def update_writes(model, ids: Iterable[int], sql: str, params: list, *, by, reason: str = "") -> list[Write]:
    """``sql``, an ``UPDATE`` of the rows ``ids`` of ``model``'s table (named unquoted, with no ``RETURNING``),
    recorded as ``changing`` does, as writes: the as-created state kept, the ``UPDATE``, its ``~`` records. On
    PostgreSQL all data-modifying CTEs of a statement read the rows as they were before it, so one keeps the
    as-created state while the ``UPDATE``'s ``RETURNING`` (the CTE ``changed``) gives the new one."""
    keys = _keys(ids)
    if not keys:
        return [("changed", sql, params)]
    shape = _shape(model, connection.alias)
    kept = ("kept", _as_created_sql(shape, keys), [])
    if connection.vendor != "postgresql":
        source = f"{shape.table} s WHERE s.{shape.pk} IN ({keys})"
        return [
            kept,
            ("changed", sql, params),
            ("recorded", _insert_sql(shape, _CHANGED, source), _changed(by, reason)),
        ]
    return [
        kept,
        ("changed", f"{sql} RETURNING {shape.returning}", params),
        ("recorded", _insert_sql(shape, _CHANGED, "changed s"), _changed(by, reason)),
    ]


def one_statement(writes: Sequence[Write], final: str) -> str:
    """PostgreSQL: ``writes`` as the data-modifying CTEs of ``final``, whose parameters come after theirs."""
    ctes = ", ".join(f"{name} AS ({sql})" for name, sql, _params in writes)
    return f"WITH {ctes} {final}"


def run_writes(writes: Sequence[Write]) -> None:
    """Run ``writes`` in the caller's transaction: one statement on PostgreSQL, one each elsewhere."""
    if not writes:
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:  # the caller's transaction
        if connection.vendor == "postgresql" and len(writes) > 1:
            *first, (_name, last, last_params) = writes
            cursor.execute(one_statement(first, last), [*params_of(first), *last_params])
            return
        for _name, sql, params in writes:
            cursor.execute(sql, params)


def params_of(writes: Sequence[Write]) -> list:
    """The parameters of ``writes`` in order, as ``one_statement`` places their SQL."""
    return [value for _name, _sql, params in writes for value in params]


# The reasons the services record for the changes they make, stored in Chinese (the catalogue's msgids) and
# shown in the reader's language (``shown_reason``); a reason a person typed is shown as typed.
SETTLED = "结算"
REVERSED = "冲正：%(reason)s"
_REVERSED_PREFIX = REVERSED.split("%", 1)[0]


def reversed_because(reason: str) -> str:
    """The stored reason of a change a reversal makes, for the reversal's own ``reason``."""
    return REVERSED % {"reason": reason}


def shown_reason(stored: str) -> str:
    """A stored reason in the reader's language: the services' own reasons translated, any other as typed."""
    if stored == SETTLED:
        return pgettext("change reason", "结算")
    if stored.startswith(_REVERSED_PREFIX):
        return pgettext("change reason", "冲正：%(reason)s") % {"reason": stored[len(_REVERSED_PREFIX) :]}
    return stored


# A ``~`` record's date, type, user and reason, and their parameters (``_changed``).
_CHANGED = "%s, '~', %s, %s"


def _changed(by, reason: str) -> list:
    return [timezone.now(), getattr(by, "pk", by), reason]


def _keys(ids: Iterable[int]) -> str:
    return ", ".join(str(int(pk)) for pk in sorted(set(ids)))  # int(): nothing but numbers in the SQL


@dataclass(frozen=True)
class _Shape:
    """A model's table, its historical table and the columns both have, quoted for SQL."""

    table: str
    history_table: str
    pk: str
    columns: str  # the tracked columns, as an INSERT names them
    selected: str  # the same, read from the alias ``s``
    returning: str  # the same, as an UPDATE of the table returns them
    created_at: str  # ``s.<column>`` of when a row was created
    created_by: str  # ``s.<column>`` of who created it, or NULL


@cache  # once a model and database: simple_history works its tracked fields out again on each read
def _shape(model, alias: str) -> _Shape:
    quote = connections[alias].ops.quote_name
    recorder: ChangeHistory = model.history_on_change
    table = quote(model._meta.db_table)
    columns = [quote(field.column) for field in model.history.model.tracked_fields]  # same names in both
    return _Shape(
        table=table,
        history_table=quote(model.history.model._meta.db_table),
        pk=quote(model._meta.pk.column),
        columns=", ".join(columns),
        selected=", ".join(f"s.{column}" for column in columns),
        returning=", ".join(f"{table}.{column}" for column in columns),
        created_at=f"s.{quote(recorder.created_at)}",
        created_by=f"s.{quote(recorder.created_by)}" if recorder.created_by else "NULL",
    )


def _insert_sql(shape: _Shape, record_sql: str, source: str) -> str:
    """``INSERT`` into the historical table of the rows of ``source`` (aliased ``s``), with the record's
    date, type, user and reason as ``record_sql`` selects them."""
    return (
        f"INSERT INTO {shape.history_table} ({shape.columns}, "  # noqa: S608
        f"history_date, history_type, history_user_id, history_change_reason) "
        f"SELECT {shape.selected}, {record_sql} FROM {source}"
    )


def _as_created_sql(shape: _Shape, keys: str) -> str:
    """The ``+`` records of the rows ``keys`` that have no record yet (``keep_as_created``)."""
    source = (
        f"{shape.table} s WHERE s.{shape.pk} IN ({keys}) "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {shape.history_table} h WHERE h.{shape.pk} = s.{shape.pk})"
    )
    return _insert_sql(shape, f"{shape.created_at}, '+', {shape.created_by}, ''", source)


# Reading ---------------------------------------------------------------------------------------------

# Shown whole on the page itself and never changed after creation: kept in the history, not listed.
_NOT_LISTED = {"id", "explanation", "deltas"}


@dataclass(frozen=True)
class Change:
    """One history record as the pages show it: ``+`` the as-created state, ``~`` a change with the fields
    it changed (label, before, after), ``-`` a deletion."""

    at: dt.datetime
    by: str
    kind: str
    reason: str
    changes: tuple[tuple[str, str, str], ...]


def changes_of(obj: models.Model) -> list[Change]:
    """The history of a visit or settlement, oldest first; people are shown by name and masked ID number
    (``Claimant.__str__``), never by their ID number."""
    history_model = type(obj).history.model
    fields = [f for f in history_model.tracked_fields if f.name not in _NOT_LISTED]
    records = list(
        history_model.objects.filter(id=obj.pk).select_related("history_user").order_by("history_date", "pk")
    )
    diffs: list[list[tuple]] = []
    for before, record in zip([None, *records], records, strict=False):
        diffs.append(
            [
                (field, getattr(before, field.attname), getattr(record, field.attname))
                for field in fields
                if before is not None
                and record.history_type == "~"
                and getattr(before, field.attname) != getattr(record, field.attname)
            ]
        )
    names = _related_names(diff for changed in diffs for diff in changed)
    return [
        Change(
            at=record.history_date,
            by=changed_by(record.history_user),
            kind=record.history_type,
            reason=shown_reason(record.history_change_reason or ""),
            changes=tuple(
                (str(field.verbose_name), _shown(field, old, names), _shown(field, new, names))
                for field, old, new in changed
            ),
        )
        for record, changed in zip(records, diffs, strict=True)
    ]


def _related_names(diffs) -> dict:
    """(model, key) -> the name shown, one query per related model the changes name."""
    keys: dict = {}
    for field, old, new in diffs:
        if field.is_relation:
            keys.setdefault(field.related_model, set()).update({old, new} - {None})
    names = {}
    for model, pks in keys.items():
        for pk, row in model._default_manager.in_bulk(pks).items():
            names[model, pk] = staff_name(row) if hasattr(row, "get_username") else str(row)
    return names


def _shown(field, value, names: dict) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation:
        return names.get((field.related_model, value), "")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return str(value)
