"""Payees and the making of a payment batch from approved applications and settlements."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import AssistanceApplication
from claimants.models import Claimant, User
from claimants.services import audit
from core.errors import DomainError
from core.regions import in_region
from jurisdictions.catalogue import MEDICAL_ASSISTANCE_FUND
from payments import selectors
from payments.errors import PaymentError
from payments.models import (
    HOLDING_STATES,
    Payee,
    PaymentBatch,
    PaymentEvent,
    PaymentLine,
)
from payments.services.base import (
    ACCOUNT_FAILURES,
    MAKERS,
    PAYEE_EDITORS,
    _event,
    _label,
    _require_role,
    _settlement_label,
)
from settlements.models import Settlement


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
