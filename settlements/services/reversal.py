"""Reversing a settlement (冲正)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from claimants.models import User
from core.errors import DomainError
from settlements import history, locks
from settlements.errors import SettlementError
from settlements.models import Settlement
from settlements.services.settling import follower_writes


@transaction.atomic
def reverse_settlement(*, settlement: Settlement, by: User, reason: str) -> Settlement:
    """Reverse (冲正) a settlement: subtract its deltas from the ledger and mark it reversed.

    The row stays (who, when, why); the visit can then be settled again. Later settlements of the same
    person and year were computed on the ledger that included this one: they appear in the resettlement
    list when their amounts would now differ.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(SettlementError.REASON_REQUIRED)
    rows = locks.lock_ledger(claimant_id=settlement.claimant_id, year=settlement.year)
    settlement = locks.lock_settlement(settlement.pk)
    if settlement.reversed_at is not None:
        raise DomainError(SettlementError.ALREADY_REVERSED)
    deltas = {name: Decimal(value) for name, value in settlement.deltas.items()}
    locks.lock_extra_counters(
        claimant_id=settlement.claimant_id, year=settlement.year, rows=rows, names=deltas
    )
    locks.add_to_counters(rows, {name: -delta for name, delta in deltas.items()})
    settlement.reversed_at = timezone.now()
    settlement.reversed_by = by
    settlement.reversal_reason = reason
    settlement._history_user, settlement._change_reason = by, reason  # its history record: who and why
    settlement.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    history.run_writes(follower_writes([settlement], -1, [settlement.visit.claimant.hukou_region_id]))
    return settlement
