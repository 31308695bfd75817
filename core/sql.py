"""Many rows in one SQL statement without one placeholder per value, and large binary values without hex.

psycopg binds parameters on the client: it parses the statement for every ``%s`` and quotes each value in
Python, which for a batch chunk's few thousand values costs more than running the statement. So:

- ``int_rows`` writes rows of integers (keys) into the statement itself; ``int()`` admits nothing else.
- ``rows_source`` is a ``SELECT`` of many typed rows for ``INSERT … SELECT``: on PostgreSQL they travel
  as one JSON parameter read by ``jsonb_to_recordset``; elsewhere (SQLite) as ``VALUES`` with placeholders.
"""

import json
from collections.abc import Iterable, Sequence

import psycopg
from django.db import connection


def int_rows(rows: Iterable[Sequence[int]]) -> str:
    """``(1, 2023), (7, 2023)``: rows of integers for ``VALUES`` or ``IN``, written into the statement."""
    return ", ".join("(" + ", ".join(str(int(value)) for value in row) + ")" for row in rows)


def rows_source(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence]) -> tuple[str, list]:
    """A ``SELECT`` of ``rows`` with ``columns`` ((name, PostgreSQL type) pairs), and its parameters.

    The selected columns come in the order given; ``INSERT INTO t (…) {source}`` takes them in that order
    (the trailing ``WHERE true`` lets SQLite read a following ``ON CONFLICT``). Values are str, int,
    Decimal, date or datetime; PostgreSQL reads them back through each column's type.
    """
    names = [name for name, _ in columns]
    if connection.vendor == "postgresql":
        typed = ", ".join(f"{name} {pg_type}" for name, pg_type in columns)
        document = json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=str)
        sql = f"SELECT {', '.join(names)} FROM jsonb_to_recordset(%s::jsonb) AS r({typed}) WHERE true"  # noqa: S608
        return sql, [document]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    selected = ", ".join(f"column{i + 1}" for i in range(len(columns)))
    values = ", ".join([placeholders] * len(rows))
    sql = f"SELECT {selected} FROM (VALUES {values}) WHERE true"  # noqa: S608
    return sql, [value for row in rows for value in row]


def write_bytes(instance, **values: bytes) -> None:
    """Store large binary field values (``field=bytes``) of a saved row, and set them on ``instance``.

    Django's psycopg binds parameters on the client, which spells bytes out as hex inside the statement's
    text: a 10 MB file became about 60 MB of transient strings in this process (a file import's peak) and
    0.2 s of encoding and decoding. On PostgreSQL the values go as binary parameters of a statement bound
    on the server instead (the same connection and transaction); elsewhere (SQLite) through the ORM.
    """
    model = type(instance)
    if connection.vendor != "postgresql":
        model._default_manager.filter(pk=instance.pk).update(**values)
    else:
        fields = [model._meta.get_field(name) for name in values]
        assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %b" for f in fields)
        table, key = connection.ops.quote_name(model._meta.db_table), model._meta.pk.column
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:  # server-side binding: binary parameters
            statement = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
            cursor.execute(statement, [*values.values(), instance.pk])
    for name, value in values.items():
        setattr(instance, name, value)
