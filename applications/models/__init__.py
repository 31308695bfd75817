"""Assistance applications (依申请救助) and their case history: the application with its workflow
(``application``), and what it carries besides its state (``records``)."""

from applications.models.application import (
    APPLICABLE_CATEGORIES,
    DIRECT_CATEGORIES,
    OPEN_STATES,
    TRANSITIONS,
    WITHDRAWABLE_STATES,
    AssistanceApplication,
    State,
)
from applications.models.records import (
    ApplicationDocument,
    CaseEvent,
    CoveredVisit,
    PublicHoliday,
    document_path,
)

__all__ = [
    "APPLICABLE_CATEGORIES",
    "DIRECT_CATEGORIES",
    "OPEN_STATES",
    "TRANSITIONS",
    "WITHDRAWABLE_STATES",
    "ApplicationDocument",
    "AssistanceApplication",
    "CaseEvent",
    "CoveredVisit",
    "PublicHoliday",
    "State",
    "document_path",
]
