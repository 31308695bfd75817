"""Checking, returning and releasing a payment batch, and the bank file's download."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from claimants import roles
from claimants.models import User
from claimants.services import audit
from core.errors import DomainError
from core.regions import in_region
from payments.errors import PaymentError
from payments.hooks import BEFORE_RELEASE, FundTotal
from payments.models import (
    BatchState,
    LineState,
    PaymentBatch,
    PaymentEvent,
    PaymentLine,
)
from payments.services.base import (
    CHECKERS,
    RELEASERS,
    _check_batch_access,
    _check_not_approver,
    _check_state,
    _event,
    _label,
    _require_role,
    _settlement_label,
)


@transaction.atomic
def check_batch(*, batch: PaymentBatch, by: User) -> PaymentBatch:
    """复核: a second person confirms the batch (not its maker, not an approver of its items)."""
    action = _label("check")
    batch = _check_batch_access(batch, by, CHECKERS, action)
    _check_state(batch, BatchState.MADE, action)
    if batch.made_by_id == by.pk:
        raise DomainError(PaymentError.MAKER_CANNOT_CHECK)
    _check_not_approver(batch, by)
    batch.state, batch.checked_by, batch.checked_at = BatchState.CHECKED, by, timezone.now()
    batch.save(update_fields=["state", "checked_by", "checked_at"])
    _event(batch, PaymentEvent.Kind.CHECKED, by)
    return batch


@transaction.atomic
def return_batch(*, batch: PaymentBatch, by: User, reason: str) -> PaymentBatch:
    """复核退回: the checker sends the batch back; its items are free for a new batch."""
    action = _label("return")
    batch = _check_batch_access(batch, by, CHECKERS, action)
    _check_state(batch, BatchState.MADE, action)
    if batch.made_by_id == by.pk:
        raise DomainError(PaymentError.MAKER_CANNOT_CHECK)
    reason = reason.strip()
    if not reason:
        raise DomainError(PaymentError.REASON_REQUIRED)
    batch.lines.update(state=LineState.RETURNED)
    batch.state, batch.checked_by, batch.checked_at = BatchState.RETURNED, by, timezone.now()
    batch.save(update_fields=["state", "checked_by", "checked_at"])
    _event(batch, PaymentEvent.Kind.RETURNED, by, note=reason)
    return batch


def fund_totals(lines: Sequence[PaymentLine], year_of) -> list[FundTotal]:
    sums: dict[tuple[str, str, int], Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        sums[(line.fund, line.region_id, year_of(line))] += line.amount
    return [FundTotal(fund, region, year, amount) for (fund, region, year), amount in sorted(sums.items())]


@transaction.atomic
def release_batch(
    *, batch: PaymentBatch, by: User, note: str = "", on: dt.date | None = None
) -> PaymentBatch:
    """放款: a manager other than the maker and the checker releases the checked batch to the bank.

    The connected ``BEFORE_RELEASE`` receivers (the funds' budget check) run first, in this transaction,
    with the batch's totals per fund, township and year; one raising a ``DomainError`` refuses the release.
    What they return (lists of warnings, e.g. a budget past 90%) is kept on the release event
    (``data["warnings"]``) for the batch page.
    """
    action = _label("release")
    batch = _check_batch_access(batch, by, RELEASERS, action)
    _check_state(batch, BatchState.CHECKED, action)
    if by.pk in (batch.made_by_id, batch.checked_by_id):
        raise DomainError(PaymentError.SAME_PERSON_RELEASE)
    _check_not_approver(batch, by)
    reversed_line = batch.lines.filter(settlement__reversed_at__isnull=False).select_related(
        "settlement__claimant"
    )
    if (line := reversed_line.first()) is not None:
        raise DomainError(PaymentError.ITEM_REVERSED, item=_settlement_label(line.settlement))
    year = (on or timezone.localdate()).year
    lines = list(batch.lines.order_by("pk"))
    note = note.strip()
    answers = BEFORE_RELEASE.call(batch=batch, totals=fund_totals(lines, lambda line: year), by=by, note=note)
    batch.lines.update(state=LineState.SENT)
    batch.state, batch.released_by, batch.released_at = BatchState.RELEASED, by, timezone.now()
    batch.save(update_fields=["state", "released_by", "released_at"])
    warnings = [str(warning) for answer in answers for warning in answer or ()]
    _event(batch, PaymentEvent.Kind.RELEASED, by, note=note, warnings=warnings)
    return batch


BANK_FILE_ROLES = frozenset({roles.REVIEWER, roles.MANAGER})


@transaction.atomic
def record_bank_file_download(*, batch: PaymentBatch, by: User, fmt: str) -> PaymentBatch:
    """The bank file holds full account numbers: only a released batch, and every download is audited."""
    action = _label("export")
    _require_role(by, BANK_FILE_ROLES, action)
    if not in_region(batch.region_id, by):
        raise DomainError(PaymentError.OUTSIDE_REGION)
    if batch.state not in (BatchState.RELEASED, BatchState.RECONCILED) or batch.historical:
        raise DomainError(PaymentError.INVALID_STATE, state=batch.get_state_display(), action=action)
    audit(user=by, action="export_bank_file", target=batch, format=fmt, lines=batch.line_count)
    _event(batch, PaymentEvent.Kind.EXPORTED, by, format=fmt)
    return batch


# Bank results ---------------------------------------------------------------------------------------------
