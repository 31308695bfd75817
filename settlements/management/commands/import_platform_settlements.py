"""``manage.py import_platform_settlements FILE [FILE ...] --as USERNAME``: import the insurance platform's
settlement records (CSV or XLSX, the ``setlinfo`` fields of OPERATIONS.md 3) with the same staging,
validation and commit as the upload page, one batch a file (each within the upload limits), and print one
JSON line with the counts of each file. The records are imported as the user
``--as`` (a medical-security reviewer; their region bounds the people imported). Exit 2 with one line on
standard error when the file or the user cannot be used; invalid rows are counted, not imported.

On PostgreSQL, outside a transaction, the next file is read and validated on a second connection while the
current one commits (validating is mostly Python, committing mostly the database server: the two overlap).
The files are still committed one after the other, in order; a file staged before the previous one's commit
is revalidated at its own commit if that commit changed what its validation read (``claimants.imports``)."""

import json
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries

from claimants import imports, roles
from claimants.models import ImportBatch, User
from core.errors import DomainError
from settlements.visit_import import KIND


class Command(BaseCommand):
    help = "Import the insurance platform's settlement records from a CSV or XLSX file; print the counts."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="the platform's exports, .csv or .xlsx")
        parser.add_argument("--as", dest="username", required=True, help="the reviewer importing it")

    def handle(self, *args, **options):
        by = User.objects.filter(username=options["username"]).first()
        if by is None or not roles.has_role(by, {roles.REVIEWER}):
            raise CommandError(
                f'--as: "{options["username"]}" is not a medical-security reviewer', returncode=2
            )
        paths = [Path(name) for name in options["files"]]
        for path in paths:  # every file is checked before the first is imported
            if path.suffix.lower() not in (".csv", ".xlsx"):
                raise CommandError(f"{path}: give a .csv or .xlsx file", returncode=2)
            if not path.is_file():
                raise CommandError(f"{path}: cannot read (no such file)", returncode=2)
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            for path in paths:
                self.commit(path, self.stage(path, by), by)
            return
        with ThreadPoolExecutor(max_workers=1) as stager:
            pending: Future = stager.submit(self.stage_apart, paths[0], by)
            for number, path in enumerate(paths):
                batch = pending.result()
                if number + 1 < len(paths):
                    pending = stager.submit(self.stage_apart, paths[number + 1], by)
                try:
                    self.commit(path, batch, by)
                except CommandError:
                    if number + 1 < len(paths) and pending.exception() is None:
                        imports.discard(batch=pending.result(), by=by)  # not imported: not left waiting
                    raise

    def stage_apart(self, path: Path, by: User) -> ImportBatch:
        """``stage`` on this thread's own connection, closed once the file is staged."""
        try:
            return self.stage(path, by)
        finally:
            connections.close_all()
            reset_queries()  # the query log DEBUG keeps (a file's look-ups are long): not kept across files

    def stage(self, path: Path, by: User) -> ImportBatch:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read ({error.__class__.__name__})", returncode=2) from error
        self.stderr.write(f"staging {path.name} ({len(content)} bytes) as {by.username}")
        try:
            batch = imports.stage(kind=KIND, file_name=path.name, content=content, by=by)
        except DomainError as error:
            raise CommandError(f"{path}: {error.message}", returncode=2) from error
        self.stderr.write(f"{path.name}: {batch.rows_valid} valid rows of {batch.rows_total}")
        return batch

    def commit(self, path: Path, batch: ImportBatch, by: User) -> None:
        self.stderr.write(f"committing {path.name}")
        try:
            batch = imports.commit(batch=batch, by=by)
        except DomainError as error:
            raise CommandError(f"{path}: {error.message}", returncode=2) from error
        counts = {
            "file": path.name,
            "batch": batch.pk,
            "rows": batch.rows_total,
            "visits": batch.rows_created,
            "unchanged": batch.rows_unchanged,
            "refused": batch.rows_invalid,
            "persons_created": batch.persons_created,
        }
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
        reset_queries()
