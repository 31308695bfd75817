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
from claimants.imports.spec import Row, RowSpec, get_spec
from claimants.models import ImportBatch, User
from core.errors import DomainError


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
