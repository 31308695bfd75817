"""Models of the settlements app, one module per concern."""

from settlements.models.settlement import LedgerEntry, Settlement, SettlementReason, SettlementTier
from settlements.models.visits import MONEY, Hospital, PolicyYear, Referral, Visit, VisitType

__all__ = [
    "MONEY",
    "Hospital",
    "LedgerEntry",
    "PolicyYear",
    "Referral",
    "Settlement",
    "SettlementReason",
    "SettlementTier",
    "Visit",
    "VisitType",
]
