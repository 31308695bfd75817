"""Loading many rows fast: array parameters, ``AnyOf``, ``probe`` and ``bulk_insert`` (COPY on PostgreSQL, with the
history rows of the inserted rows copied in one statement)."""

import json

from django.db import connection, transaction
from django.db.models import BooleanField, Expression, F, JSONField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from claimants.models import User


def array_parameter(values: list) -> tuple[str, str]:
    """``("%s::bigint[]", "{1,2}")`` or ``("%s::text[]", '{"a","b \\"c\\""}')``: a placeholder and the
    PostgreSQL array literal of these ints or strings.

    Sent as one text parameter, the array is quoted once; a list parameter has psycopg dump and quote each
    element in Python, a tenth of a second per 100,000 values. Strings are compared as ``text``: a cast to
    the column's ``varchar(n)`` would cut longer values down to a match.
    """
    if all(type(v) is int for v in values):
        return "%s::bigint[]", "{" + ",".join(map(str, values)) + "}"
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "%s::text[]", "{" + ",".join(quoted) + "}"


class AnyOf(Expression):
    """``field = ANY(%s)`` with the values as one array parameter (PostgreSQL): one short query for any
    number of values, where ``field__in`` would send (and make psycopg parse) one parameter per value."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, values: list):
        super().__init__()
        self.column, self.values = F(field), list(values)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        placeholder, array = array_parameter(self.values)
        return f"{sql} = ANY({placeholder})", (*params, array)


PROBE_CHUNK = 5000  # elsewhere than PostgreSQL: IN lists under SQLite's variable limit


def probe(queryset, field: str, values: list) -> list[dict]:
    """The rows of ``queryset`` (a ``.values(*fields)`` queryset) whose ``field`` is one of ``values``, as
    dicts: a file's keys looked up, each by the index of ``field``.

    PostgreSQL: one query, the values as one array parameter, each joined to the queryset as a ``LATERAL``
    subquery (``OFFSET 0`` keeps it one: the planner cannot turn it into a join that reads the table). As
    ``field = ANY(<100,000 values>)`` the planner costed the probes as so many random page reads and, on a
    large table, read it whole in parallel processes instead (a file of 100,000 people on a registry of
    1,800,000: 0.59 s in three processes). No JIT for the rest of the transaction: compiling the probes' loop
    cost more than running it. Elsewhere: ``IN`` lists in chunks."""
    names = list(queryset.query.values_select)
    if not names or queryset.query.annotation_select:
        raise ValueError("probe() takes a .values(*fields) queryset of model fields")
    if not values:
        return []
    if connection.vendor != "postgresql":
        return [
            row
            for start in range(0, len(values), PROBE_CHUNK)
            for row in queryset.filter(**{f"{field}__in": values[start : start + PROBE_CHUNK]})
        ]
    sql, params = queryset.filter(**{field: RawSQL("probed.key", ())}).query.sql_with_params()
    placeholder, array = array_parameter(values)
    columns = ", ".join(f"c{index}" for index in range(len(names)))
    # The queryset's own SQL and parameters; the values are one parameter.
    outer = (
        f"SELECT {columns} FROM unnest({placeholder}) AS probed(key) "  # noqa: S608
        f"CROSS JOIN LATERAL ({sql} OFFSET 0) AS found({columns})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(outer, [array, *params])
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _allocate_ids(cursor, table: str, pk: str, count: int) -> list[int]:
    # The sequence's name first: pg_get_serial_sequence() inside the series would run once per row (a
    # catalog lookup each time, 13 times slower than nextval itself).
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return [r[0] for r in cursor.fetchall()]


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def bulk_insert(
    model, rows: list[dict], *, history_user: User | None = None, history_reason: str = ""
) -> list[int]:
    """Insert many rows given as ``{attname: value}`` dicts, fast; return their new primary keys in order.

    PostgreSQL: keys come from the sequence in one query, then COPY (psycopg3 ``cursor.copy``) with the
    values as they are (str, int, date, aware datetime, None: psycopg adapts them itself), with no model
    instance built per row. Elsewhere: ``bulk_create`` in batches. Models with simple-history get a "+"
    history row per row, carrying the importing user and reason: on PostgreSQL copied from the inserted
    rows by one ``INSERT … SELECT``.
    """
    if not rows:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    }
    defaults = {**{f.attname: f.get_default() for f in fields}, **dict.fromkeys(stamped, now)}
    # A model whose history is written on change only (``history_on_change``) gets no "+" row at creation.
    history = None if getattr(model, "history_on_change", None) else getattr(model, "history", None)
    extra = {
        "history_date": now,
        "history_type": "+",
        "history_user_id": history_user.pk if history_user else None,
        "history_change_reason": history_reason,
    }
    if connection.vendor == "postgresql":
        keys = _copy_rows(model, fields, rows, defaults)
        if history is not None:
            copy_history(model, history.model, keys, extra)
        return keys
    values = [{**defaults, **row} for row in rows]
    keys = [o.pk for o in model.objects.bulk_create([model(**v) for v in values], batch_size=500)]
    if history is not None:
        historical, pk_name = history.model, model._meta.pk.attname
        tracked = [f.attname for f in historical.tracked_fields]
        historical.objects.bulk_create(
            [
                historical(**{a: v.get(a) for a in tracked if a != pk_name}, **{pk_name: key}, **extra)
                for key, v in zip(keys, values, strict=True)
            ],
            batch_size=500,
        )
    return keys


def copy_history(model, historical, keys: list[int], extra: dict) -> None:
    """The "+" history rows of the rows just inserted, copied from them in one ``INSERT … SELECT``."""
    quote = connection.ops.quote_name
    tracked = {f.attname for f in historical.tracked_fields}
    columns, selected, params = [], [], []
    for f in historical._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(quote(f.column))
        if f.attname in tracked:
            selected.append(quote(model._meta.get_field(f.name).column))
        else:
            selected.append("%s")
            params.append(extra[f.attname])
    pk = quote(model._meta.pk.column)
    placeholder, array = array_parameter(keys)
    # Names from the models' metadata, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} "
        f"WHERE {pk} = ANY({placeholder})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, array])


def _copy_rows(model, fields, rows: list[dict], defaults: dict) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    attnames = [f.attname for f in fields]
    fallbacks = [defaults[a] for a in attnames]
    # JSON columns travel as JSON text (COPY would otherwise read a list as an array literal).
    json_cells = [(i, f.encoder) for i, f in enumerate(fields) if isinstance(f, JSONField)]

    def cells(key: int, row: dict) -> list:
        values = list(map(row.get, attnames, fallbacks))  # the row's value, else the field's default
        for i, encoder in json_cells:
            values[i] = json.dumps(values[i], cls=encoder)
        return [key, *values]

    with connection.cursor() as cursor:
        keys = _allocate_ids(cursor, table, pk, len(rows))
        _copy(
            cursor,
            table,
            [pk, *(f.column for f in fields)],
            (cells(key, row) for key, row in zip(keys, rows, strict=True)),
        )
    return keys
