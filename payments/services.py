"""Business actions on payments. Each is one transaction: it locks the batch (and the items, in pk order),
checks role, region, state and separation of duties, writes the change and its event, and returns.

Separation of duties (maker-checker): a batch is made by a reviewer, checked by another reviewer or a
manager, and released by a manager who neither made nor checked it; whoever approved an item's amount (the
application's approver, the settlement's settler) may neither check nor release its payment.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import AssistanceApplication, CaseEvent
from claimants import roles
from claimants.models import Claimant, User
from claimants.services import audit
from core.errors import DomainError
from core.regions import in_region
from jurisdictions.catalogue import MEDICAL_ASSISTANCE_FUND
from payments import selectors
from payments.errors import PaymentError
from payments.hooks import AFTER_RESULTS, BEFORE_RELEASE, FundTotal
from payments.models import (
    HOLDING_STATES,
    BatchState,
    FailureReason,
    LineState,
    Payee,
    PaymentBatch,
    PaymentEvent,
    PaymentLine,
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


@transaction.atomic
def set_payee(*, claimant: Claimant, by: User, name: str, bank_name: str, account_number: str) -> Payee:
    """Record or correct where a person's assistance is paid (after a bounce: before the next batch)."""
    _require_role(by, PAYEE_EDITORS, str(_label("payee")))
    if not in_region(claimant.hukou_region_id, by):
        raise DomainError(PaymentError.OUTSIDE_REGION)
    name, bank_name = name.strip(), bank_name.strip()
    account_number = account_number.replace(" ", "").strip()
    if not name or not bank_name:
        raise DomainError(PaymentError.PAYEE_FIELD_REQUIRED)
    if not (account_number.isascii() and account_number.isdigit() and 8 <= len(account_number) <= 32):
        raise DomainError(PaymentError.ACCOUNT_INVALID)
    payee, _created = Payee.objects.update_or_create(
        claimant=claimant,
        defaults={
            "name": name,
            "bank_name": bank_name,
            "account_number": account_number,
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    # An account change redirects money: who changed it is kept (the number itself only masked).
    audit(user=by, action="change_payee", target=payee, account=payee.masked_account, bank=bank_name)
    return payee


# Making a batch -------------------------------------------------------------------------------------------


def _application_category(application: AssistanceApplication) -> str:
    if application.requested_category:
        return application.requested_category
    settlement = (
        Settlement.objects.filter(visit__application_links__application=application, reversed_at__isnull=True)
        .exclude(category="")
        .order_by("pk")
        .first()
    )
    return settlement.category if settlement else ""


def _application_fund(application: AssistanceApplication) -> str:
    funds = set(
        Settlement.objects.filter(visit__application_links__application=application, reversed_at__isnull=True)
        .exclude(fund="")
        .values_list("fund", flat=True)
    )
    return funds.pop() if len(funds) == 1 else MEDICAL_ASSISTANCE_FUND


def _check_payee(item_label: str, claimant: Claimant, last_failed_line: int | None) -> Payee:
    payee = Payee.objects.filter(claimant=claimant).first()
    if payee is None:
        raise DomainError(PaymentError.NO_PAYEE, name=claimant.name)
    if last_failed_line is not None:
        failed = PaymentLine.objects.get(pk=last_failed_line)
        if failed.failure_reason in ACCOUNT_FAILURES and payee.updated_at <= failed.result_at:
            raise DomainError(
                PaymentError.PAYEE_NOT_CORRECTED, item=item_label, reason=failed.get_failure_reason_display()
            )
    return payee


@transaction.atomic
def make_batch(
    *,
    by: User,
    application_ids: Iterable[int] = (),
    settlement_ids: Iterable[int] = (),
) -> PaymentBatch:
    """选定: a reviewer puts payable items of their region into a new batch (to be checked by another)."""
    _require_role(by, MAKERS, _label("make"))
    application_ids, settlement_ids = sorted(set(application_ids)), sorted(set(settlement_ids))
    if not application_ids and not settlement_ids:
        raise DomainError(PaymentError.NOTHING_SELECTED)
    # Lock the items in pk order (applications, then settlements): a concurrent batch waits, then finds the
    # item held; the partial unique indexes back this.
    locked_apps = list(
        AssistanceApplication.objects.select_for_update(of=("self",))
        .filter(pk__in=application_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked_settlements = list(
        Settlement.objects.select_for_update(of=("self",))
        .filter(pk__in=settlement_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    region_code = by.region_id
    payable_apps = {
        a.pk: a
        for a in selectors.payable_applications(region_code)
        .filter(pk__in=locked_apps)
        .select_related("claimant")
    }
    payable_settlements = {
        s.pk: s
        for s in selectors.payable_settlements(region_code)
        .filter(pk__in=locked_settlements)
        .select_related("claimant")
    }
    batch = PaymentBatch.objects.create(region_id=region_code, made_by=by)
    lines = []
    for pk in application_ids:
        application = payable_apps.get(pk) or _refuse_item(AssistanceApplication, pk, by)
        payee = _check_payee(application.number, application.claimant, application.last_failed_line)
        lines.append(
            PaymentLine(
                batch=batch,
                application=application,
                claimant=application.claimant,
                region_id=application.region_id,
                category=_application_category(application),
                fund=_application_fund(application),
                amount=application.assessed_amount,
                payee_name=payee.name,
                bank_name=payee.bank_name,
                account_number=payee.account_number,
            )
        )
    for pk in settlement_ids:
        settlement = payable_settlements.get(pk) or _refuse_item(Settlement, pk, by)
        label = _settlement_label(settlement)
        payee = _check_payee(label, settlement.claimant, settlement.last_failed_line)
        lines.append(
            PaymentLine(
                batch=batch,
                settlement=settlement,
                claimant=settlement.claimant,
                region_id=settlement.claimant.hukou_region_id,
                category=settlement.category,
                fund=settlement.fund or MEDICAL_ASSISTANCE_FUND,
                amount=settlement.assistance_owed,
                payee_name=payee.name,
                bank_name=payee.bank_name,
                account_number=payee.account_number,
            )
        )
    for index, line in enumerate(lines, start=1):
        line.reference = f"ZF{batch.pk:06d}{index:04d}"
    try:
        with transaction.atomic():
            PaymentLine.objects.bulk_create(lines)
    except IntegrityError as exc:  # a concurrent batch took an item between our check and insert
        raise DomainError(PaymentError.ALREADY_IN_BATCH, item="") from exc
    batch.total_amount = sum((line.amount for line in lines), Decimal("0.00"))
    batch.line_count = len(lines)
    batch.save(update_fields=["total_amount", "line_count"])
    _event(batch, PaymentEvent.Kind.MADE, by, lines=len(lines), total=str(batch.total_amount))
    return batch


def _settlement_label(settlement: Settlement) -> str:
    return _("%(name)s 的结算差额 #%(pk)s") % {"name": settlement.claimant.name, "pk": settlement.pk}


def _refuse_item(model, pk: int, by: User):
    """Why an item asked for is not payable: outside the region, held by a line, or not payable at all."""
    if model is AssistanceApplication:
        item = AssistanceApplication.objects.filter(pk=pk).first()
        region = item.region_id if item else ""
        label = item.number if item else str(pk)
    else:
        item = Settlement.objects.filter(pk=pk).select_related("claimant").first()
        region = item.claimant.hukou_region_id if item else ""
        label = _settlement_label(item) if item else str(pk)
    if item is None or not in_region(region, by):
        raise DomainError(PaymentError.OUTSIDE_REGION)
    field = "application" if model is AssistanceApplication else "settlement"
    if PaymentLine.objects.filter(**{field: item}, state__in=HOLDING_STATES).exists():
        raise DomainError(PaymentError.ALREADY_IN_BATCH, item=label)
    raise DomainError(PaymentError.NOT_PAYABLE, item=label)


# Check, return, release ----------------------------------------------------------------------------------


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
