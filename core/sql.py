"""Many rows in one SQL statement without one placeholder per value.

psycopg binds parameters on the client: it parses the statement for every ``%s`` and quotes each value in
Python, which for a batch chunk's few thousand values costs more than running the statement. So:

- ``int_rows`` writes rows of integers (keys) into the statement itself; ``int()`` admits nothing else.
- ``rows_source`` is a ``SELECT`` of many typed rows for ``INSERT … SELECT``: on PostgreSQL they travel
  as one JSON parameter read by ``jsonb_to_recordset``; elsewhere (SQLite) as ``VALUES`` with placeholders.
"""

import json
from collections.abc import Iterable, Sequence

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
