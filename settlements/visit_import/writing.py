"""Writing the validated rows: the staged lines (COPY's text format), set-based on PostgreSQL, through
``bulk_insert`` elsewhere."""

import datetime as dt
import re
from decimal import Decimal

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from claimants.hooks import Hook
from claimants.imports import (
    bulk_insert,
    copy_history,
)
from claimants.models import Claimant, ImportBatch, User
from settlements.models import Visit
from settlements.visit_import.checks import Parsed
from settlements.visit_import.lookups import _stored

# Functions of higher layers that keep figures derived from the visits (the monitoring app's person-year
# totals): ``follower(batch)``, called by ``write`` inside the commit's transaction once the batch's visits are
# stored (``Visit.import_batch``), so that they add them set-based.
IMPORT_FOLLOWERS = Hook("visit import followers")


# The cells kept for a row to write, in this order, with their type in the temporary table: the person (all
# but the key and ID number only for a person not yet known), then the visit.
CELLS = (
    ("claimant_id", "bigint"),
    ("id_number", "text"),
    ("name", "text"),
    ("sex", "text"),
    ("birth_date", "date"),
    ("hukou_region_id", "text"),
    ("insured_region_id", "text"),
    ("scheme", "text"),
    ("settlement_ref", "text"),
    ("visit_type", "text"),
    ("admitted", "date"),
    ("discharged", "date"),
    ("year", "integer"),
    ("referral", "text"),
    ("total_cost", "numeric"),
    ("policy_scope_cost", "numeric"),
    ("basic_insurance_paid", "numeric"),
    ("critical_illness_paid", "numeric"),
    ("other_insurance_paid", "numeric"),
    ("supplementary_paid", "numeric"),
    ("insurance_scheme", "text"),
    ("fully_self_paid", "numeric"),
    ("assistance_paid_at_hospital", "numeric"),
)
CELL_NAMES = tuple(name for name, _kind in CELLS)
PERSON_CELLS = CELL_NAMES[1:8]
VISIT_CELLS = CELL_NAMES[8:]
# COPY's text format: tab-separated cells, ``\N`` for a missing value, backslash escapes in text.
NULL = "\\N"
ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
ESCAPE_TABLE = str.maketrans(ESCAPES)
UNESCAPE = {value: key for key, value in ESCAPES.items()}
KNOWN_PERSON = (NULL,) * (len(PERSON_CELLS) - 1)
NEW_PERSON = f"{NULL}\t".encode()  # the start of the line of a person not yet known (no key)


def _text(value: str) -> str:
    """A text cell from the file (a name, a ``setl_id``), escaped for COPY's text format."""
    return (
        value.translate(ESCAPE_TABLE)
        if ("\\" in value or "\t" in value or "\n" in value or "\r" in value)
        else value
    )


def _person_cells(person: dict) -> str:
    """The person's cells of a row to write (``PERSON_CELLS`` with the key first, each followed by a tab):
    the key of a known person, all but the key of a person not yet known."""
    if person["id"] is None:
        new = (
            _text(person["name"]),
            person["sex"],
            person["birth_date"].isoformat(),
            person["hukou_region_id"],
            person["insured_region_id"],
            person["scheme"],
        )
        key = NULL
    else:
        new, key = KNOWN_PERSON, str(person["id"])
    return "\t".join((key, person["id_number"], *new, ""))


def _cells(parsed: Parsed, person: dict) -> bytes:
    """The row to write as one line of COPY's text format (``CELLS`` in order), UTF-8: the temporary table
    takes it as it is, and the staged rows of a batch are these lines (as bytes, half the memory of a text
    that holds a Chinese name). The person's cells are made once a person (``person["cells"]``)."""
    cells = person.get("cells")
    if cells is None:
        cells = person["cells"] = _person_cells(person)
    critical, discharged = parsed.critical_illness_paid, parsed.discharged
    return (
        cells
        + "\t".join(
            (
                _text(parsed.settlement_ref),
                parsed.visit_type,
                parsed.admitted.isoformat(),
                discharged.isoformat(),
                str(discharged.year),
                parsed.referral,
                str(parsed.total_cost),
                str(parsed.policy_scope_cost),
                str(parsed.basic_insurance_paid),
                NULL if critical is None else str(critical),
                str(parsed.other_insurance_paid),
                str(parsed.supplementary_paid),
                parsed.insurance_scheme,
                str(parsed.fully_self_paid),
                str(parsed.assistance_paid_at_hospital),
            )
        )
        + "\n"
    ).encode()


ESCAPED = re.compile(r"\\.")


def _parsed(line: str) -> dict:
    """A staged line back as the typed values of ``CELLS`` (the SQLite demo writes them through the ORM)."""
    row = {}
    for (name, kind), cell in zip(CELLS, line.rstrip("\n").split("\t"), strict=True):
        if cell == NULL:
            row[name] = None
        elif kind == "text":
            row[name] = ESCAPED.sub(lambda match: UNESCAPE[match.group()], cell)
        elif kind == "date":
            row[name] = dt.date.fromisoformat(cell)
        elif kind == "numeric":
            row[name] = Decimal(cell)
        else:
            row[name] = int(cell)
    return row


def _write_rows(lines: bytes, batch: ImportBatch) -> tuple[int, int]:
    """The rows through ``bulk_insert`` (SQLite, the demo): the new people, then the visits; a record another
    import stored since the preview is left as it is stored."""
    rows = [_parsed(line) for line in lines.decode().split("\n")[:-1]]  # each line ends in a newline
    stored = _stored([row["settlement_ref"] for row in rows])
    rows = [row for row in rows if row["settlement_ref"] not in stored]
    created = _create_people([row for row in rows if row["claimant_id"] is None], by=batch.created_by)
    visits = [
        {name: row[name] for name in VISIT_CELLS}
        | {
            "claimant_id": row["claimant_id"] or created[row["id_number"]],
            "source": Visit.Source.IMPORT,
            "import_batch_id": batch.pk,
            "created_by_id": batch.created_by_id,
        }
        for row in rows
    ]
    bulk_insert(Visit, visits)
    return len(visits), len(created)


def _insert_select(model, columns: dict[str, str], values: dict, now: dt.datetime) -> tuple[str, str, list]:
    """The column list, select list and parameters of an ``INSERT … SELECT`` into ``model``'s table: the
    columns named in ``columns`` from that SQL, those in ``values`` as parameters, every other one as a
    parameter with the field's default (the time of insertion for an ``auto_now_add`` field)."""
    quote = connection.ops.quote_name
    names, selected, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(quote(field.column))
        if field.attname in columns:
            selected.append(columns[field.attname])
            continue
        selected.append("%s")
        if field.attname in values:
            params.append(values[field.attname])
        else:
            params.append(now if getattr(field, "auto_now_add", False) else field.get_default())
    return ", ".join(names), ", ".join(selected), params


# The visit's person: known at validation, or created just before (the keys the people's INSERT returned, in
# a second temporary table joined by hash), or registered meanwhile by another import (one probe of the ID
# number's unique index, for those rows alone).
WORK_MEM = "64MB"
NEW_PERSON_KEY = (
    "COALESCE(s.claimant_id, n.id, (SELECT c.id FROM {claimants} c WHERE c.id_number = s.id_number))"
)


def _write_set_based(lines: bytes, batch: ImportBatch) -> tuple[int, int]:
    """PostgreSQL: COPY the staged lines (UTF-8) into a temporary table as they are (one write), then one
    ``INSERT … SELECT`` for the new people
    (with their "+" history rows, as ``bulk_insert`` writes them) and one for the visits. Table and column
    names come from this module and the models; every value is a parameter or copied."""
    now = timezone.now()
    table = f"visit_import_{batch.pk}"
    claimants, visits_table = Claimant._meta.db_table, Visit._meta.db_table
    person_columns, person_select, person_params = _insert_select(
        Claimant, {name: f"s.{name}" for name in PERSON_CELLS}, {"origin": Claimant.Origin.PLATFORM}, now
    )
    visit_columns, visit_select, visit_params = _insert_select(
        Visit,
        {name: f"s.{name}" for name in VISIT_CELLS}
        | {"claimant_id": NEW_PERSON_KEY.format(claimants=claimants)},
        {"source": Visit.Source.IMPORT, "import_batch_id": batch.pk, "created_by_id": batch.created_by_id},
        now,
    )
    persons = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} ({', '.join(f'{n} {k}' for n, k in CELLS)}) ON COMMIT DROP"
        )
        cursor.execute(f"CREATE TEMPORARY TABLE {table}_new (id bigint, id_number text) ON COMMIT DROP")
        # The sorts of the new people and of the totals stay in memory (4 MB spill 100,000 rows to disk). No
        # JIT: the temporary table has no statistics, and the plans' guessed costs had each statement compiled
        # (a quarter of a second a statement, longer than the join it sped up).
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute("SET LOCAL jit = off")
        with cursor.cursor.copy(f"COPY {table} ({', '.join(CELL_NAMES)}) FROM STDIN") as copy:
            copy.write(lines)
        if lines.startswith(NEW_PERSON) or b"\n" + NEW_PERSON in lines:
            # Each new person once (a file holds several records of a person). A person registered meanwhile
            # by another import is left as stored, and their visits are theirs like the others'.
            cursor.execute(
                f"WITH created AS (INSERT INTO {claimants} ({person_columns}) "  # noqa: S608
                f"SELECT DISTINCT ON (s.id_number) {person_select} FROM {table} s WHERE s.claimant_id IS NULL "
                "ORDER BY s.id_number ON CONFLICT (id_number) DO NOTHING RETURNING id, id_number) "
                f"INSERT INTO {table}_new SELECT id, id_number FROM created RETURNING id",
                person_params,
            )
            keys = [key for (key,) in cursor.fetchall()]
            persons = len(keys)
            history = {"history_date": now, "history_type": "+", "history_user_id": batch.created_by_id}
            copy_history(Claimant, Claimant.history.model, keys, history | {"history_change_reason": ""})
        visits = _insert_visits(
            cursor,
            f"INSERT INTO {visits_table} ({visit_columns}) "  # noqa: S608
            f"SELECT {visit_select} FROM {table} s LEFT JOIN {table}_new n ON n.id_number = s.id_number",
            visit_params,
        )
        cursor.execute(f"DROP TABLE {table}, {table}_new")
    return visits, persons


def _insert_visits(cursor, insert: str, params: list) -> int:
    """Run the visits' ``INSERT … SELECT``; return the rows written. Validation left out every ``setl_id``
    stored then, and another import storing one since is rare: a plain insert (without ``ON CONFLICT``'s
    speculative insertion, a sixth of the statement's time), whose unique index is the commit's only look-up
    of them. Should another import have stored one since the preview, the insert is undone to its savepoint
    and run again, leaving those rows as they are stored."""
    try:
        with transaction.atomic():
            cursor.execute(insert, params)
    except IntegrityError as error:
        if not isinstance(error.__cause__, psycopg.errors.UniqueViolation):
            raise  # a check or the person's trigger: running the insert again would fail the same way
        # a unique setl_id (the only unique column) written by a concurrent import
        cursor.execute(f"{insert} ON CONFLICT (settlement_ref) DO NOTHING", params)
    return cursor.rowcount


def _create_people(people: list[dict], *, by: User) -> dict[str, int]:
    """Insert the registry entries of the people a file introduced (once each), created by the importer ``by``;
    ID number -> key."""
    unique = {person["id_number"]: person for person in people}
    fields = ("id_number", "name", "sex", "birth_date", "hukou_region_id", "insured_region_id", "scheme")
    rows = [
        {name: person[name] for name in fields} | {"origin": Claimant.Origin.PLATFORM}
        for person in unique.values()
    ]
    return dict(zip(unique, bulk_insert(Claimant, rows, history_user=by), strict=True))
