"""Business actions on payments. Each is one transaction: it locks the batch (and the items, in pk order),
checks role, region, state and separation of duties, writes the change and its event, and returns.

Separation of duties (maker-checker): a batch is made by a reviewer, checked by another reviewer or a
manager, and released by a manager who neither made nor checked it; whoever approved an item's amount (the
application's approver, the settlement's settler) may neither check nor release its payment.
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from applications.models import CaseEvent
from claimants import roles
from claimants.models import User
from core.errors import DomainError
from core.regions import in_region
from payments.errors import PaymentError
from payments.models import (
    FailureReason,
    PaymentBatch,
    PaymentEvent,
)
from settlements.models import Settlement

MAKERS = frozenset({roles.REVIEWER})
CHECKERS = frozenset({roles.REVIEWER, roles.MANAGER})
RELEASERS = frozenset({roles.MANAGER})
PAYEE_EDITORS = frozenset({roles.CASEWORKER, roles.REVIEWER})
# Failures that the payee's account caused: the item waits for a corrected account before a new batch.
ACCOUNT_FAILURES = (FailureReason.WRONG_ACCOUNT, FailureReason.CLOSED_ACCOUNT, FailureReason.NAME_MISMATCH)


def _require_role(by: User, allowed: frozenset[str], action: str) -> None:
    if not roles.has_role(by, allowed):
        raise DomainError(PaymentError.ROLE_NOT_ALLOWED, action=action)


def _lock_batch(batch: PaymentBatch) -> PaymentBatch:
    return PaymentBatch.objects.select_for_update().get(pk=batch.pk)


def _event(batch: PaymentBatch, kind: str, by: User | None, *, line=None, note: str = "", **data) -> None:
    PaymentEvent.objects.create(batch=batch, line=line, kind=kind, actor=by, note=note, data=data)


def _label(action: str) -> str:
    return {
        "payee": _("登记收款账户"),
        "make": _("制单"),
        "check": _("复核"),
        "return": _("复核退回"),
        "release": _("放款"),
        "export": _("下载银行文件"),
        "import": _("导入银行回盘"),
    }[action]


# Payee ----------------------------------------------------------------------------------------------------


def _settlement_label(settlement: Settlement) -> str:
    return _("%(name)s 的结算差额 #%(pk)s") % {"name": settlement.claimant.name, "pk": settlement.pk}


def _check_state(batch: PaymentBatch, state: str, action: str) -> None:
    if batch.state != state:
        raise DomainError(PaymentError.INVALID_STATE, state=batch.get_state_display(), action=action)


def approvers(batch: PaymentBatch) -> dict[int, str]:
    """Who approved each item's amount, as user id -> the first item they approved (its label)."""
    found: dict[int, str] = {}
    lines = list(batch.lines.select_related("application", "settlement__claimant").order_by("pk"))
    app_ids = [line.application_id for line in lines if line.application_id]
    approved_by = defaultdict(set)
    for application_id, actor_id in CaseEvent.objects.filter(
        application_id__in=app_ids, kind=CaseEvent.Kind.APPROVED
    ).values_list("application_id", "actor_id"):
        approved_by[application_id].add(actor_id)
    for line in lines:
        if line.application_id:
            ids, label = approved_by[line.application_id], line.application.number
        else:
            ids, label = {line.settlement.settled_by_id}, _settlement_label(line.settlement)
        for user_id in ids:
            if user_id is not None:
                found.setdefault(user_id, label)
    return found


def _check_not_approver(batch: PaymentBatch, by: User) -> None:
    item = approvers(batch).get(by.pk)
    if item is not None:
        raise DomainError(PaymentError.APPROVER_CANNOT_PAY, item=item)


def _check_batch_access(batch: PaymentBatch, by: User, allowed: frozenset[str], action: str) -> PaymentBatch:
    _require_role(by, allowed, action)
    batch = _lock_batch(batch)
    if not in_region(batch.region_id, by):
        raise DomainError(PaymentError.OUTSIDE_REGION)
    return batch
