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
- ``QuerySet.update()`` and raw ``UPDATE`` statements send no signal: run them inside ``changing(model,
  ids, by=…, reason=…)``, which writes both records of every row with one ``INSERT … SELECT`` each, in the
  caller's transaction.

The services lock a row before they change it (``settlements.locks``), so two first changes of one row
never both copy its as-created state.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords


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


def _columns(model) -> list[str]:
    """The columns the historical table copies from the model's table (same names in both)."""
    return [field.column for field in model.history.model.tracked_fields]


def _keys(ids: list[int]) -> str:
    return ", ".join(str(int(pk)) for pk in ids)  # int(): nothing but a number reaches the statement


def keep_as_created(model, ids: Iterable[int], *, using: str | None = None) -> None:
    """Copy into the history, as its ``+`` record, the stored state of each row of ``ids`` that has none
    yet: the state it was created with, as it has not changed since."""
    ids = sorted(set(ids))
    if not ids:
        return
    recorder: ChangeHistory = model.history_on_change
    quote = connection.ops.quote_name
    columns = _columns(model)
    created_by = f"t.{quote(recorder.created_by)}" if recorder.created_by else "NULL"
    history_table, table = quote(model.history.model._meta.db_table), quote(model._meta.db_table)
    sql = (
        f"INSERT INTO {history_table} ({', '.join(map(quote, columns))}, history_date, history_type, "  # noqa: S608
        f"history_user_id, history_change_reason) SELECT {', '.join('t.' + quote(c) for c in columns)}, "
        f"t.{quote(recorder.created_at)}, '+', {created_by}, '' FROM {table} t "
        f"WHERE t.id IN ({_keys(ids)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {history_table} h WHERE h.id = t.id)"
    )
    with transaction.get_connection(using).cursor() as cursor:
        cursor.execute(sql)


def record_changed(model, ids: Iterable[int], *, by, reason: str = "") -> None:
    """Add a ``~`` record with the stored state of each row of ``ids``: changed now, by ``by``, for
    ``reason``."""
    ids = sorted(set(ids))
    if not ids:
        return
    quote = connection.ops.quote_name
    columns = _columns(model)
    history_table, table = quote(model.history.model._meta.db_table), quote(model._meta.db_table)
    sql = (
        f"INSERT INTO {history_table} ({', '.join(map(quote, columns))}, history_date, history_type, "  # noqa: S608
        f"history_user_id, history_change_reason) SELECT {', '.join('t.' + quote(c) for c in columns)}, "
        f"%s, '~', %s, %s FROM {table} t WHERE t.id IN ({_keys(ids)})"
    )
    user_id = getattr(by, "pk", by)
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), user_id, reason])


@contextmanager
def changing(model, ids: Iterable[int], *, by, reason: str = "") -> Iterator[None]:
    """Around a ``QuerySet.update()`` or raw ``UPDATE`` of the rows ``ids`` of ``model`` (Visit,
    Settlement): their as-created state is kept before, their new state recorded after (who: ``by``, a
    user or a user id or None; why: ``reason``), in one transaction with the update."""
    ids = sorted(set(ids))
    with transaction.atomic(savepoint=False):  # the caller's transaction, with no savepoint of its own
        keep_as_created(model, ids)
        yield
        record_changed(model, ids, by=by, reason=reason)


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
            by=_user_name(record.history_user),
            kind=record.history_type,
            reason=record.history_change_reason or "",
            changes=tuple(
                (str(field.verbose_name), _shown(field, old, names), _shown(field, new, names))
                for field, old, new in changed
            ),
        )
        for record, changed in zip(records, diffs, strict=True)
    ]


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _related_names(diffs) -> dict:
    """(model, key) -> the name shown, one query per related model the changes name."""
    keys: dict = {}
    for field, old, new in diffs:
        if field.is_relation:
            keys.setdefault(field.related_model, set()).update({old, new} - {None})
    names = {}
    for model, pks in keys.items():
        for pk, row in model._default_manager.in_bulk(pks).items():
            names[model, pk] = _user_name(row) if hasattr(row, "get_username") else str(row)
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
