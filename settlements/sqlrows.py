"""Moved to ``core.sql``; kept importable here until ``settlements.services`` imports it from there."""

from core.sql import int_rows, rows_source

__all__ = ["int_rows", "rows_source"]
