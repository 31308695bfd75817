"""Models of the settlements app, one module per concern."""

from settlements.models.settlement import LedgerEntry, Settlement, SettlementReason, SettlementTier
from settlements.models.visits import MONEY, Hospital, PolicyYear, Referral, Visit, VisitType

from settlements.cases.models import (  # isort: skip  (application cases build on visits)
    ApplicationDocument,
    AssistanceApplication,
    CaseEvent,
    CoveredVisit,
    PublicHoliday,
)

__all__ = [
    "MONEY",
    "ApplicationDocument",
    "AssistanceApplication",
    "CaseEvent",
    "CoveredVisit",
    "Hospital",
    "LedgerEntry",
    "PolicyYear",
    "PublicHoliday",
    "Referral",
    "Settlement",
    "SettlementReason",
    "SettlementTier",
    "Visit",
    "VisitType",
]
