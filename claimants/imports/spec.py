"""An import kind's description (``RowSpec``: columns, validation, writing), a file's rows and what they
give, and the registry of kinds (``KINDS``)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from claimants.errors import ImportBatchError
from claimants.hooks import KeyedHook
from claimants.models import ImportBatch, User
from core.errors import DomainError

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


@dataclass(slots=True)
class Row:
    """One data row: the spreadsheet line (header is line 1), raw values by field, and the outcome."""

    line: int
    values: dict[str, str]
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False
    # What the kind's check as the row is read (``RowSpec.reading``) made of it, for ``validate``.
    checked: object = None

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class WriteResult:
    rows_created: int
    persons_created: int = 0
    rows_stored_since: int = 0  # rows to write that another import stored since the preview: now unchanged


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
    written without validating the file again. A kind whose row to write is one line of text (``kept_line``:
    the data field holding it as UTF-8 bytes, ending in a newline) keeps the lines as one text instead,
    which the commit hands to ``write_lines`` as it is: no row is rebuilt.
    """

    kind: str = ""
    label: str = ""
    columns: tuple[Column, ...] = ()
    kept_fields: tuple[str, ...] = ()
    kept_line: str = ""

    def reading(self, positions: dict[str, int]) -> Callable[[list[str], int], Row | None] | None:
        """A fast path for one file's rows, or None. ``positions``: each found column's place in a row.
        ``parse_rows`` calls it with a row's cells (padded to the file's columns) and line number, for a
        row that passed its own checks; it returns the row ready for ``validate`` (what it made of the
        cells in ``Row.checked``, no ``values``: a file's cells are never all held at once) when it
        accepts the row outright, or None to leave the row to ``validate``'s full checks. Called once a
        file: what it keeps across rows is that file's."""
        return None

    def validate(self, rows: list[Row], *, by: User) -> Basis | None:
        """Fill each row's data, errors, warnings and ``unchanged``; return the basis, or None when the
        kind does not support reuse (commit then validates again)."""
        raise NotImplementedError

    def persons_new(self, rows: list[Row]) -> int:
        """How many people not yet known the valid, changed ``rows`` would register once each (after
        ``validate``): what the preview tells the user who confirms the import."""
        return 0

    def basis(self, keys: dict, *, by: User) -> str:
        """The digest ``validate`` would return now for these keys."""
        raise NotImplementedError

    def unpack(self, data: dict) -> dict:
        """A kept row's data as ``write`` takes it (JSON gives dates back as strings)."""
        return data

    def write(self, rows: list[Row], *, batch: ImportBatch, by: User) -> WriteResult:
        """Insert the valid, changed rows (the caller's transaction wraps it)."""
        raise NotImplementedError

    def write_lines(self, lines: bytes, *, batch: ImportBatch, by: User) -> WriteResult:
        """Insert the kept lines (UTF-8) of the valid, changed rows: a kind with ``kept_line``."""
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
