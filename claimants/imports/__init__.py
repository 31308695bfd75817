"""Spreadsheet imports: upload, preview with per-row errors, then commit every valid row at once.

A kind of import is a ``RowSpec``: its columns (Chinese headers and aliases) and two set-based methods,
``validate`` (fill each row's cleaned data, errors and warnings with a handful of queries for the whole
file) and ``write`` (insert the valid rows). ``stage`` reads and validates a file and keeps it as an
``ImportBatch`` for preview, with the cleaned rows to write; ``commit`` writes the valid rows in one
transaction, or nothing. The database may have changed since the preview: ``commit`` reads again what the
validation read (``RowSpec.basis``) and writes the staged rows only if that is unchanged, and validates the
file again otherwise. A row equal to what is stored is "unchanged", so importing the same file twice
changes nothing. See docs/imports.md.

The package: ``spec`` (``RowSpec``, ``Row``, the kinds), ``reading`` (limits, table, header, rows),
``batches`` (stage, commit, discard) and ``loading`` (``bulk_insert``, ``AnyOf``, ``probe``).
"""

from claimants.imports.batches import commit, discard, stage
from claimants.imports.loading import AnyOf, array_parameter, bulk_insert, copy_history, probe
from claimants.imports.reading import HEADER_SEARCH_ROWS, check_limits, parse_date, parse_rows, read_table
from claimants.imports.spec import (
    EXAMPLE_MARK,
    KINDS,
    NUL,
    REPORT_SHOWN,
    Basis,
    Column,
    Row,
    RowSpec,
    WriteResult,
    get_spec,
    outside_region,
)

__all__ = [
    "EXAMPLE_MARK",
    "HEADER_SEARCH_ROWS",
    "KINDS",
    "NUL",
    "REPORT_SHOWN",
    "AnyOf",
    "Basis",
    "Column",
    "Row",
    "RowSpec",
    "WriteResult",
    "array_parameter",
    "bulk_insert",
    "check_limits",
    "commit",
    "copy_history",
    "discard",
    "get_spec",
    "outside_region",
    "parse_date",
    "parse_rows",
    "probe",
    "read_table",
    "stage",
]
