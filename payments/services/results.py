"""The bank's results for a released batch: each line paid or failed, and the failures' follow-up."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from claimants import roles
from claimants.models import User
from core.errors import DomainError
from payments.errors import PaymentError
from payments.hooks import AFTER_RESULTS
from payments.models import (
    BatchState,
    LineState,
    PaymentBatch,
    PaymentEvent,
    PaymentLine,
)
from payments.services.base import (
    _check_batch_access,
    _label,
)
from payments.services.release import fund_totals


@dataclass(frozen=True)
class BankResult:
    """One line of the bank's result file, read and checked (``payments.bankfiles``)."""

    line: int
    reference: str
    amount: Decimal
    paid: bool
    paid_on: dt.date | None
    failure_reason: str
    failure_note: str


class BankResultError(DomainError):
    """The result file was refused; ``errors`` lists every problem, each with its line."""

    def __init__(self, errors: list[str]):
        super().__init__(PaymentError.RESULT_ERRORS)
        self.errors = errors


@dataclass(frozen=True)
class ImportOutcome:
    paid: int
    failed: int
    batch: PaymentBatch


def _result_errors(batch: PaymentBatch, results: Sequence[BankResult]) -> list[str]:
    lines = {line.reference: line for line in batch.lines.all()}
    errors, seen = [], set()
    today = timezone.localdate()
    for result in results:
        where = _("第%(line)s行") % {"line": result.line}
        line = lines.get(result.reference)
        if line is None:
            errors.append(f"{where}：" + _("支付参考号不属于本批次：%(ref)s") % {"ref": result.reference})
        elif result.reference in seen:
            errors.append(f"{where}：" + _("支付参考号重复：%(ref)s") % {"ref": result.reference})
        elif line.state != LineState.SENT:
            errors.append(f"{where}：" + _("该笔已有回盘结果：%(ref)s") % {"ref": result.reference})
        elif result.amount != line.amount:
            errors.append(
                f"{where}："
                + _("金额%(amount)s与本批次该笔金额%(expected)s不符")
                % {"amount": result.amount, "expected": line.amount}
            )
        elif result.paid and result.paid_on is not None and result.paid_on > today:
            errors.append(f"{where}：" + _("到账日期不能晚于今天"))
        seen.add(result.reference)
    return errors


IMPORTERS = frozenset({roles.REVIEWER, roles.MANAGER})


@transaction.atomic
def import_bank_results(*, batch: PaymentBatch, by: User, results: Sequence[BankResult]) -> ImportOutcome:
    """Apply the bank's result file to a released batch, all lines or none.

    A paid line closes its item: the application is marked paid through the applications service, a
    settlement's owed difference is paid by the line itself. A failed line frees its item, with the reason,
    for a corrected payee and a later batch.
    """
    action = _label("import")
    batch = _check_batch_access(batch, by, IMPORTERS, action)
    if batch.state != BatchState.RELEASED:
        raise DomainError(PaymentError.INVALID_STATE, state=batch.get_state_display(), action=action)
    errors = _result_errors(batch, results)
    if errors:
        raise BankResultError(errors)
    by_reference = {line.reference: line for line in batch.lines.select_related("application")}
    now = timezone.now()
    paid_lines, failed_lines, events = [], [], []
    for result in results:
        line = by_reference[result.reference]
        line.result_at = now
        if result.paid:
            line.state, line.paid_on = LineState.PAID, result.paid_on
            paid_lines.append(line)
            data = {"paid_on": result.paid_on.isoformat()}
            events.append(
                PaymentEvent(batch=batch, line=line, kind=PaymentEvent.Kind.PAID, actor=by, data=data)
            )
        else:
            line.state = LineState.FAILED
            line.failure_reason, line.failure_note = result.failure_reason, result.failure_note
            failed_lines.append(line)
            note = result.failure_note
            events.append(
                PaymentEvent(batch=batch, line=line, kind=PaymentEvent.Kind.FAILED, actor=by, note=note)
            )
    PaymentLine.objects.bulk_update(paid_lines, ["state", "paid_on", "result_at"])
    PaymentLine.objects.bulk_update(failed_lines, ["state", "failure_reason", "failure_note", "result_at"])
    PaymentEvent.objects.bulk_create(events)
    for line in paid_lines:
        if line.application_id:
            application_services.record_payment(
                application=line.application,
                by=by,
                amount=line.amount,
                paid_on=line.paid_on,
                reference=line.reference,
            )
    failed = len(failed_lines)
    if not batch.lines.filter(state=LineState.SENT).exists():
        batch.state = BatchState.RECONCILED
        batch.save(update_fields=["state"])
    AFTER_RESULTS.call(
        batch=batch,
        lines=paid_lines,
        paid_totals=fund_totals(paid_lines, lambda line: line.paid_on.year),
        by=by,
    )
    return ImportOutcome(paid=len(paid_lines), failed=failed, batch=batch)
