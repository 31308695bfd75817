"""A batch's life: ``stage`` (read, validate, keep for preview), ``commit`` (write the valid rows in one
transaction, reusing the staged rows while what their validation read is unchanged) and ``discard``."""

import contextlib
import gc
import hashlib
import json
import zlib

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from claimants.errors import ImportBatchError
from claimants.imports.reading import parse_rows, table_rows
from claimants.imports.spec import Basis, Row, RowSpec, get_spec
from claimants.models import ImportBatch, User
from core.errors import DomainError
from core.sql import write_bytes


def _validated(spec: RowSpec, batch: ImportBatch, by: User) -> list[Row]:
    """Validate the batch's file, set its counts and report, and keep its rows to write (when the kind
    returns a basis); return the rows."""
    rows = parse_rows(spec, table_rows(batch.file_name, bytes(batch.content)))
    basis = spec.validate(rows, by=by)
    changed = [r for r in rows if r.valid and not r.unchanged]
    batch.rows_total = len(rows)
    batch.rows_invalid = sum(1 for r in rows if not r.valid)
    batch.rows_valid = batch.rows_total - batch.rows_invalid
    batch.rows_unchanged = batch.rows_valid - len(changed)
    batch.persons_new = spec.persons_new(changed)
    batch.report = [
        {"line": r.line, "row": spec.describe(r), "errors": r.errors, "warnings": r.warnings}
        for r in rows
        if r.errors or r.warnings
    ]
    batch.staged = b"" if basis is None else _packed(spec, basis, changed)
    return rows


STAGED_CHUNK = 10_000  # kept lines compressed at a time: no text of a whole file's lines is built


def _packed(spec: RowSpec, basis: Basis, changed: list[Row]) -> bytes:
    """What staging keeps of the rows to write, compressed (a fraction of the size of jsonb, and no JSON
    parsing in the database): one line of JSON (its strings' newlines are escaped) with the basis and, for
    a kind without ``kept_line``, the rows' kept fields; then a kind's kept lines."""
    kept: dict = {"keys": basis.keys, "digest": basis.digest}
    if not spec.kept_line:
        fields = spec.kept_fields
        kept |= {"fields": fields, "rows": [[r.line, *map(r.data.__getitem__, fields)] for r in changed]}
    packer = zlib.compressobj(1)
    parts = [packer.compress(json.dumps(kept, cls=DjangoJSONEncoder).encode() + b"\n")]
    if spec.kept_line:
        for start in range(0, len(changed), STAGED_CHUNK):
            chunk = b"".join(r.data[spec.kept_line] for r in changed[start : start + STAGED_CHUNK])
            parts.append(packer.compress(chunk))
    parts.append(packer.flush())
    return b"".join(parts)


def _kept(spec: RowSpec, batch: ImportBatch, by: User) -> list[Row] | bytes | None:
    """What staging kept of the rows to write, if what their validation read is unchanged: the rows, or for
    a kind with ``kept_line`` their lines as one UTF-8 text; None otherwise (or when it was kept in another
    form, by an earlier version)."""
    if not batch.staged:
        return None
    header, _newline, lines = zlib.decompress(batch.staged).partition(b"\n")
    staged = json.loads(header)
    if ("rows" in staged) == bool(spec.kept_line):
        return None
    if spec.basis(staged["keys"], by=by) != staged["digest"]:
        return None
    if spec.kept_line:
        return lines
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
    files = {"content": batch.content, "staged": batch.staged}
    batch.content = batch.staged = b""  # written as binary parameters, not as hex in the statement's text
    batch.save()
    write_bytes(batch, **files)
    return batch


COMMIT_FIELDS = (
    # set again if the commit validates the file again
    *("rows_total", "rows_valid", "rows_invalid", "rows_unchanged", "persons_new", "report"),
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
    kept = _kept(spec, batch, by)
    if isinstance(kept, bytes):
        result = spec.write_lines(kept, batch=batch, by=by)
    else:
        rows = (
            kept
            if kept is not None
            else [r for r in _validated(spec, batch, by) if r.valid and not r.unchanged]
        )
        result = spec.write(rows, batch=batch, by=by)
    batch.rows_created = result.rows_created
    batch.rows_unchanged += result.rows_stored_since
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
