"""Spreadsheet imports: upload, preview with per-row errors, then commit every valid row at once.

A kind of import is a ``RowSpec``: its columns (Chinese headers and aliases) and two set-based methods,
``validate`` (fill each row's cleaned data, errors and warnings with a handful of queries for the whole
file) and ``write`` (insert the valid rows). ``stage`` reads and validates a file and keeps it as an
``ImportBatch`` for preview, with the cleaned rows to write; ``commit`` writes the valid rows in one
transaction, or nothing. The database may have changed since the preview: ``commit`` reads again what the
validation read (``RowSpec.basis``) and writes the staged rows only if that is unchanged, and validates the
file again otherwise. A row equal to what is stored is "unchanged", so importing the same file twice
changes nothing. See docs/imports.md.
"""

import codecs
import contextlib
import csv
import datetime as dt
import gc
import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import BooleanField, Expression, F, JSONField
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from claimants.errors import DomainError, ImportBatchError
from claimants.hooks import KeyedHook
from claimants.models import ImportBatch, User

NUL = "\x00"
# The first cell of the example row of a downloaded template (claimants.import_templates): never imported.
EXAMPLE_MARK = "示例："
REPORT_SHOWN = 500  # report lines on a batch's page; the whole report downloads as XLSX


def outside_region() -> str:
    """The one row error for a person the user may not import: registered outside the user's region, not
    registered at all where that matters, or new with a place outside it. The same words in every case,
    so that an import is never a lookup of who is registered where."""
    return _("不能在您的管辖范围内导入此人")


@dataclass(frozen=True)
class Column:
    """A column of the file: the field it fills and the headers that name it (the first is shown).
    ``max_length``: the longest value the commit can store (take it from the model field, so that the
    preview refuses exactly what the database would)."""

    field: str
    headers: tuple[str, ...]
    required: bool = True
    max_length: int | None = None


@dataclass
class Row:
    """One data row: the spreadsheet line (header is line 1), raw values by field, and the outcome."""

    line: int
    values: dict[str, str]
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class WriteResult:
    rows_created: int
    persons_created: int = 0


@dataclass(frozen=True)
class Basis:
    """What a validation read besides the file: the keys it looked up (JSON-ready) and a digest of what it
    found for them, the user's rights and the day. Equal digests for the same keys mean equal outcomes."""

    keys: dict
    digest: str


class RowSpec:
    """Base class of an import kind; subclasses set ``kind``, ``label`` and ``columns``.

    A kind whose ``validate`` returns a ``Basis`` (and that implements ``basis``) has its valid rows kept
    at staging (``kept_fields`` of each row's data, JSON-ready through ``DjangoJSONEncoder``, read back by
    ``unpack``): an unchanged basis at commit means the preview's outcome still holds, so the kept rows are
    written without validating the file again.
    """

    kind: str = ""
    label: str = ""
    columns: tuple[Column, ...] = ()
    kept_fields: tuple[str, ...] = ()

    def validate(self, rows: list[Row], *, by: User) -> Basis | None:
        """Fill each row's data, errors, warnings and ``unchanged``; return the basis, or None when the
        kind does not support reuse (commit then validates again)."""
        raise NotImplementedError

    def basis(self, keys: dict, *, by: User) -> str:
        """The digest ``validate`` would return now for these keys."""
        raise NotImplementedError

    def unpack(self, data: dict) -> dict:
        """A kept row's data as ``write`` takes it (JSON gives dates back as strings)."""
        return data

    def write(self, rows: list[Row], *, batch: ImportBatch, by: User) -> WriteResult:
        """Insert the valid, changed rows (the caller's transaction wraps it)."""
        raise NotImplementedError

    def describe(self, row: Row) -> str:
        """A short label of the row for the report (never a full ID number)."""
        return ""


# kind -> its ``RowSpec``; each app connects its kinds when its app is ready.
KINDS = KeyedHook("import kinds")


def get_spec(kind: str) -> RowSpec:
    spec = KINDS.get(kind)
    if spec is None:
        raise DomainError(ImportBatchError.UNKNOWN_KIND, kind=kind)
    return spec


# Reading -----------------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(file_name: str, content: bytes) -> list[list[str]]:
    """All rows of the first sheet (XLSX) or of the CSV (UTF-8 with or without BOM, UTF-16 with its BOM,
    or GB18030), once the file has passed the limits (``check_limits``).

    XLSX is read with calamine (Rust): 100,000 rows in about a second, where openpyxl took 7 to 9. Its
    rows start at the sheet's first row, empty or not, so line numbers are the spreadsheet's own.
    """
    check_limits(file_name, content)
    if file_name.lower().endswith(".xlsx"):
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
            return [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        except (ValueError, KeyError, OSError, CalamineError) as exc:
            raise DomainError(
                ImportBatchError.UNREADABLE_FILE, detail=_("不是有效的 Excel（.xlsx）文件")
            ) from exc
    text = _decode_csv(content)
    try:
        return [[v.strip() for v in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise DomainError(
            ImportBatchError.UNREADABLE_FILE, detail=_("CSV 格式有误，请用 Excel 另存为 CSV 后再上传")
        ) from exc


def _decode_csv(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        with contextlib.suppress(UnicodeDecodeError):
            return content.decode(encoding)
    raise DomainError(
        ImportBatchError.UNREADABLE_FILE, detail=_("无法识别文件的字符编码，请另存为 UTF-8 或 GBK 编码的 CSV")
    )


def check_limits(file_name: str, content: bytes) -> None:
    """Refuse a file above the limits before reading it (``JIUZHU_IMPORT_MAX_BYTES``, ``…_MAX_ROWS``,
    ``…_MAX_INFLATED_BYTES``), within a second and in little memory, whatever it holds.

    An XLSX is a zip: a few hundred kilobytes can inflate to gigabytes of sheet XML (a "zip bomb": 715 KB
    holding 5,000,000 rows drove a web worker to 1.3 GB). So the archive's declared sizes are checked,
    then each worksheet is inflated as a stream, counting its rows and stopping at the limit, before the
    reader sees it; a member that inflates beyond its declared size fails its CRC check here.
    """
    limit_rows = settings.JIUZHU_IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS
    if len(content) > settings.JIUZHU_IMPORT_MAX_BYTES:
        raise DomainError(ImportBatchError.FILE_TOO_LARGE, limit=settings.JIUZHU_IMPORT_MAX_BYTES // 2**20)
    if not file_name.lower().endswith(".xlsx"):
        if content.count(b"\n") > limit_rows:
            raise DomainError(ImportBatchError.TOO_MANY_ROWS, limit=settings.JIUZHU_IMPORT_MAX_ROWS)
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
        if sum(member.file_size for member in members) > settings.JIUZHU_IMPORT_MAX_INFLATED_BYTES:
            raise DomainError(
                ImportBatchError.FILE_TOO_LARGE, limit=settings.JIUZHU_IMPORT_MAX_BYTES // 2**20
            )
        sheets = [
            m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
        ]
        for member in sheets:
            if _rows_in(archive, member, stop_after=limit_rows) > limit_rows:
                raise DomainError(ImportBatchError.TOO_MANY_ROWS, limit=settings.JIUZHU_IMPORT_MAX_ROWS)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise DomainError(
            ImportBatchError.UNREADABLE_FILE, detail=_("不是有效的 Excel（.xlsx）文件")
        ) from exc


_ROW_TAGS = (b"<row ", b"<row>", b"<row/")


def _rows_in(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, stop_after: int) -> int:
    """Rows of a worksheet's XML, read 1 MB at a time; stops counting past ``stop_after``."""
    rows, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(2**20):
            data = tail + chunk
            rows += sum(data.count(tag) for tag in _ROW_TAGS)
            if rows > stop_after:
                return rows
            tail = data[-4:]  # shorter than a tag: no row is counted twice
    return rows


HEADER_SEARCH_ROWS = 10  # a title, a date or a blank line may stand above the header row


def _header(spec: RowSpec, table: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row's index and each found column's position: the first of the first rows that names
    every required column. Without one, the file is refused, naming what the closest row lacks."""
    missing_least: list[str] | None = None
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        header = [h.strip().lstrip("\ufeff") for h in cells]
        positions: dict[str, int] = {}
        for column in spec.columns:
            for name in column.headers:
                if name in header:
                    positions[column.field] = header.index(name)
                    break
        missing = [c.headers[0] for c in spec.columns if c.required and c.field not in positions]
        if not missing:
            return index, positions
        if missing_least is None or len(missing) < len(missing_least):
            missing_least = missing
    raise DomainError(ImportBatchError.MISSING_COLUMNS, columns="、".join(missing_least or []))


def parse_rows(spec: RowSpec, table: list[list[str]]) -> list[Row]:
    """Map the header row onto the spec's columns; refuse a file that lacks a required column. Lines above
    the header (a title) are left out; ``Row.line`` is the spreadsheet's own line number."""
    if not table:
        raise DomainError(ImportBatchError.EMPTY_FILE)
    header_index, positions = _header(spec, table)
    fields, indexes = list(positions), list(positions.values())
    limited = [c for c in spec.columns if c.max_length is not None and c.field in positions]
    width = max(indexes, default=-1) + 1
    rows = []
    for number, cells in enumerate(table[header_index + 1 :], start=header_index + 2):
        if not "".join(cells).strip():
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        values = dict(zip(fields, map(cells.__getitem__, indexes), strict=True))
        row = Row(line=number, values=values)
        if cells[0].strip().startswith(EXAMPLE_MARK):
            row.errors.append(_("这是模板的示例行：请替换为实际数据或删除"))
        if NUL in "".join(values.values()):
            row.errors.append(_("包含空字符（NUL），请检查文件"))
            row.values = {k: v.replace(NUL, "") for k, v in values.items()}
        for column in limited:
            if len(row.values.get(column.field, "")) > column.max_length:
                row.errors.append(
                    _("%(column)s 超过 %(limit)s 个字符")
                    % {"column": column.headers[0], "limit": column.max_length}
                )
        rows.append(row)
    if not rows:
        raise DomainError(ImportBatchError.EMPTY_FILE)
    return rows


def parse_date(raw: str) -> dt.date:
    raw = raw.strip()
    if len(raw) == 10 and raw[4] == "-":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    raise ValueError(raw)


# Stage, commit, discard --------------------------------------------------------------------------------


def _validated(spec: RowSpec, batch: ImportBatch, by: User) -> list[Row]:
    """Validate the batch's file, set its counts and report, and keep its rows to write (when the kind
    returns a basis); return the rows."""
    rows = parse_rows(spec, read_table(batch.file_name, bytes(batch.content)))
    basis = spec.validate(rows, by=by)
    changed = [r for r in rows if r.valid and not r.unchanged]
    batch.rows_total = len(rows)
    batch.rows_invalid = sum(1 for r in rows if not r.valid)
    batch.rows_valid = batch.rows_total - batch.rows_invalid
    batch.rows_unchanged = batch.rows_valid - len(changed)
    batch.report = [
        {"line": r.line, "row": spec.describe(r), "errors": r.errors, "warnings": r.warnings}
        for r in rows
        if r.errors or r.warnings
    ]
    batch.staged = b""
    if basis is not None:
        fields = spec.kept_fields
        kept = {
            "keys": basis.keys,
            "digest": basis.digest,
            "fields": fields,
            "rows": [[r.line, *map(r.data.__getitem__, fields)] for r in changed],
        }
        # Compressed JSON in a bytea: a fraction of the size of jsonb, and no JSON parsing in the database.
        batch.staged = zlib.compress(json.dumps(kept, cls=DjangoJSONEncoder).encode(), 1)
    return rows


def _kept_rows(spec: RowSpec, batch: ImportBatch, by: User) -> list[Row] | None:
    """The rows kept at staging, if what their validation read is unchanged; None otherwise."""
    if not batch.staged:
        return None
    staged = json.loads(zlib.decompress(batch.staged))
    if spec.basis(staged["keys"], by=by) != staged["digest"]:
        return None
    fields = staged["fields"]
    return [
        Row(line=kept[0], values={}, data=spec.unpack(dict(zip(fields, kept[1:], strict=True))))
        for kept in staged["rows"]
    ]


@contextlib.contextmanager
def _collector_paused():
    """Reading or writing a file's rows makes 100,000s of small objects and no cyclic garbage: with the cyclic
    garbage collector on, its repeated full passes over them cost more than parsing the CSV itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
@transaction.atomic
def stage(*, kind: str, file_name: str, content: bytes, by: User) -> ImportBatch:
    """Read and validate a file and keep it as a batch awaiting confirmation (nothing is imported yet)."""
    spec = get_spec(kind)
    batch = ImportBatch(
        kind=kind,
        file_name=file_name,
        file_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        region_id=by.region_id,
        created_by=by,
    )
    _validated(spec, batch, by)
    batch.save()
    return batch


COMMIT_FIELDS = (
    *("rows_total", "rows_valid", "rows_invalid", "rows_unchanged", "report"),  # set again if revalidated
    *("rows_created", "persons_created", "status", "committed_at", "staged"),
)


@_collector_paused()
@transaction.atomic
def commit(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Write every valid row in this one transaction; invalid rows stay in the report.

    The rows kept at staging are written if what their validation read is unchanged (same persons, same
    certifications, same user rights, same day); otherwise the file is validated again first.
    """
    # The file is read again only if the preview no longer holds (a deferred field loads when first used).
    batch = ImportBatch.objects.select_for_update().defer("content").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.STAGED:
        raise DomainError(ImportBatchError.NOT_STAGED)
    spec = get_spec(batch.kind)
    rows = _kept_rows(spec, batch, by)
    if rows is None:
        rows = [r for r in _validated(spec, batch, by) if r.valid and not r.unchanged]
    result = spec.write(rows, batch=batch, by=by)
    batch.rows_created = result.rows_created
    batch.persons_created = result.persons_created
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.staged = b""
    batch.save(update_fields=COMMIT_FIELDS)
    return batch


@transaction.atomic
def discard(*, batch: ImportBatch, by: User) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.STAGED:
        raise DomainError(ImportBatchError.NOT_STAGED)
    batch.status = ImportBatch.Status.DISCARDED
    batch.staged = b""
    batch.save(update_fields=["status", "staged"])
    return batch


# Loading -----------------------------------------------------------------------------------------------


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
            _copy_history(model, history.model, keys, extra)
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


def _copy_history(model, historical, keys: list[int], extra: dict) -> None:
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
