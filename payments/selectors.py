"""Reads of payments: what is payable in a user's region, the batches they may see, an item's payment."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from applications import kinds
from applications.models import AssistanceApplication, CoveredVisit, State
from claimants import roles
from claimants.models import User
from core.regions import region_filter, region_lookup
from payments.models import HOLDING_STATES, LineState, PaymentBatch, PaymentLine
from settlements.models import Settlement


def _held(field: str):
    return Exists(PaymentLine.objects.filter(**{field: OuterRef("pk")}, state__in=HOLDING_STATES))


def _last_failure(field: str):
    failed = PaymentLine.objects.filter(**{field: OuterRef("pk")}, state=LineState.FAILED).order_by("-pk")
    return Subquery(failed.values("pk")[:1])


def payable_applications(region_code: str) -> QuerySet[AssistanceApplication]:
    """Approved applications with an amount to pay and no line holding them, in the region's subtree."""
    return (
        AssistanceApplication.objects.filter(
            **region_lookup("region", region_code), state=State.APPROVED, assessed_amount__gt=0
        )
        .annotate(held=_held("application"), last_failed_line=_last_failure("application"))
        .filter(held=False)
    )


def settled_by_application():
    """Settlements made by a claim for costs paid in advance: their assistance is the application's amount,
    paid through the application (never a second time as an owed difference)."""
    return Exists(
        CoveredVisit.objects.filter(
            visit_id=OuterRef("visit_id"), approved=True, application__kind__in=kinds.settling()
        )
    )


def payable_settlements(region_code: str) -> QuerySet[Settlement]:
    """Settlements in force whose owed difference (``assistance_owed``) is unpaid and held by no line."""
    return (
        Settlement.objects.filter(
            **region_lookup("claimant__hukou_region", region_code),
            reversed_at__isnull=True,
            assistance_owed__gt=0,
        )
        .annotate(
            held=_held("settlement"),
            by_application=settled_by_application(),
            last_failed_line=_last_failure("settlement"),
        )
        .filter(held=False, by_application=False)
    )


def batches_visible_to(user: User) -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.filter(**region_filter(user, "region"))


def get_batch_for_user(*, user: User, batch_id: int) -> PaymentBatch:
    # Missing and outside the region look the same (404).
    return get_object_or_404(
        batches_visible_to(user).select_related("region", "made_by", "checked_by", "released_by"),
        pk=batch_id,
    )


def lines_of(batch: PaymentBatch) -> QuerySet[PaymentLine]:
    return batch.lines.select_related("claimant", "application", "settlement", "region").order_by("pk")


def latest_line(*, application: AssistanceApplication) -> PaymentLine | None:
    """The application's latest payment line (its batch and state), or None when it was never in a batch."""
    return PaymentLine.objects.select_related("batch").filter(application=application).order_by("-pk").first()


def paid_lines(*, region_code: str, year: int, month: int) -> QuerySet[PaymentLine]:
    """Lines paid in the month to people of the township (the public notice, 公示)."""
    return (
        PaymentLine.objects.filter(
            region_id=region_code, state=LineState.PAID, paid_on__year=year, paid_on__month=month
        )
        .select_related("claimant")
        .order_by("paid_on", "pk")
    )


def describe_application_payment(*, application: AssistanceApplication, user: User) -> dict | None:
    """The application's payment for its page: the batch of its latest line, that line's state and, for a
    failed one, why (the application is then back in the payable queue)."""
    line = latest_line(application=application)
    if line is None:
        return None
    may_open = roles.has_role(user, {roles.REVIEWER, roles.MANAGER}) and line.batch.region_id.startswith(
        user.region_id
    )
    return {
        "batch": line.batch.number,
        "url": line.batch.get_absolute_url() if may_open else "",
        "state": line.get_state_display(),
        "failure": line.get_failure_reason_display() if line.failure_reason else "",
    }


def failed_lines(ids) -> QuerySet[PaymentLine]:
    return PaymentLine.objects.filter(pk__in=[pk for pk in ids if pk])
