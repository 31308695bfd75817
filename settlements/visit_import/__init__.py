"""Bulk import of visits (就医记录) from settlement records of the medical-insurance platform.

Same staged import as certifications (``claimants.imports``, docs/imports.md). Columns are accepted under
the product's own names, the platform's ``setlinfo`` field names and the Chinese headers of a county
export (OPERATIONS.md 3). ``setl_id`` is the visit's unique key: a row whose ``setl_id`` is stored already
is unchanged, so re-importing a file creates nothing. ``maf_pay`` (assistance the hospital already paid at
one-stop settlement) is kept on the visit; its settlement then owes only the difference. Each visit
created links to its import batch. Refund and invalid records
(``refd_setl_flag`` = 1, ``vali_flag`` = 0) are skipped with a warning. Every check of a visit entered by
hand applies per row (``services.check_visit_values`` and the policy year of the discharge year).
Validation is set-based: one query for the persons, one for the stored ``setl_id``s, one for the policy
years. A row that passes every check takes a fast path (``_FastChecks``, the same checks on cached parses);
any row it cannot accept goes through ``_clean_row``, which words every refusal.

The validated rows are kept at staging as the lines of the rows to write (COPY's text format), with a
digest of what the validation read (``Basis``); the commit reuses them while that is unchanged. On
PostgreSQL the commit is set-based (docs/monitoring.md, "Import of platform records"): the lines are copied
into a temporary table in one write, then one ``INSERT … SELECT``
creates the registry entries of the people not yet known (``ON CONFLICT`` on the ID number does nothing) and
one the visits (``ON CONFLICT`` on ``setl_id`` does nothing), in the commit's transaction. Elsewhere (the
SQLite demo) the same lines, read back, go through ``bulk_insert``. ``IMPORT_FOLLOWERS`` (the monitoring app's person-year
totals) then add the batch's visits in the same transaction.

The package: ``fields`` (codes and columns), ``checks`` (the fast path), ``lookups`` (what a validation
reads), ``rows`` (``VisitRows``: validation and its wording) and ``writing`` (the staged lines, their write).
"""

from settlements.visit_import.checks import _FastChecks
from settlements.visit_import.fields import KIND
from settlements.visit_import.rows import SPEC, VisitRows
from settlements.visit_import.writing import IMPORT_FOLLOWERS

__all__ = ["IMPORT_FOLLOWERS", "KIND", "SPEC", "VisitRows", "_FastChecks"]
