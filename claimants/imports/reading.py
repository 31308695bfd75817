"""Reading an uploaded file: the limits checked before reading it, its table (CSV or XLSX), the header row
and the data rows mapped onto a kind's columns."""

import codecs
import contextlib
import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from claimants.errors import ImportBatchError
from claimants.imports.spec import EXAMPLE_MARK, NUL, Row, RowSpec
from core.errors import DomainError


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
    or GB18030), once the file has passed the limits (``check_limits``)."""
    return list(table_rows(file_name, content))


def table_rows(file_name: str, content: bytes) -> Iterator[list[str]]:
    """The rows of ``read_table`` one by one: a CSV is parsed as its rows are consumed, so that a file of
    100,000 rows is never held as a table of every cell beside the rows made of it.

    XLSX is read with calamine (Rust): 100,000 rows in about a second, where openpyxl took 7 to 9. Its
    rows start at the sheet's first row, empty or not, so line numbers are the spreadsheet's own.
    """
    check_limits(file_name, content)
    if file_name.lower().endswith(".xlsx"):
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
            rows = sheet.to_python(skip_empty_area=False)
        except (ValueError, KeyError, OSError, CalamineError) as exc:
            raise DomainError(
                ImportBatchError.UNREADABLE_FILE, detail=_("不是有效的 Excel（.xlsx）文件")
            ) from exc
        return ([_cell(v) for v in row] for row in rows)
    return _csv_rows(_decode_csv(content))


def _csv_rows(text: str) -> Iterator[list[str]]:
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield list(map(str.strip, row))
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


def parse_rows(spec: RowSpec, table: Iterable[list[str]]) -> list[Row]:
    """Map the header row onto the spec's columns; refuse a file that lacks a required column. Lines above
    the header (a title) are left out; ``Row.line`` is the spreadsheet's own line number. ``table`` may be
    an iterator (``table_rows``): only the first rows are looked at twice.

    A row that passes the checks made here is offered first to the kind's fast path (``RowSpec.reading``),
    which reads its cells by position; a row the fast path does not take is mapped onto the fields."""
    table = iter(table)
    head = list(islice(table, HEADER_SEARCH_ROWS))
    if not head:
        raise DomainError(ImportBatchError.EMPTY_FILE)
    header_index, positions = _header(spec, head)
    fields, indexes = list(positions), list(positions.values())
    limited = [
        (c, positions[c.field]) for c in spec.columns if c.max_length is not None and c.field in positions
    ]
    width = max(indexes, default=-1) + 1
    fast = spec.reading(positions)
    rows = []
    for number, cells in enumerate(chain(head[header_index + 1 :], table), start=header_index + 2):
        joined = "".join(cells)
        if not joined.strip():
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        errors = []
        if cells[0].strip().startswith(EXAMPLE_MARK):
            errors.append(_("这是模板的示例行：请替换为实际数据或删除"))
        if NUL in joined and any(NUL in cells[index] for index in indexes):
            errors.append(_("包含空字符（NUL），请检查文件"))
            cells = [cell.replace(NUL, "") for cell in cells]
        for column, index in limited:
            if len(cells[index]) > column.max_length:
                errors.append(
                    _("%(column)s 超过 %(limit)s 个字符")
                    % {"column": column.headers[0], "limit": column.max_length}
                )
        if not errors and fast is not None and (row := fast(cells, number)) is not None:
            rows.append(row)
            continue
        values = dict(zip(fields, map(cells.__getitem__, indexes), strict=True))
        rows.append(Row(line=number, values=values, errors=errors))
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
