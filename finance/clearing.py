"""Hospital clearing (医疗机构垫付资金清算): the services that move a statement through its states.

    draft ──check──▶ checked ──approve──▶ approved ──pay──▶ paid ──reconcile──▶ reconciled
      ▲                 │
      └────return───────┘

| transition | who | not allowed for | also needs |
|---|---|---|---|
| build / refresh | finance officer | – | a month that has ended; refresh only in draft |
| check (复核) | finance officer | the maker | – |
| return | finance officer, manager | – | a reason; only before approval |
| accept mismatches | finance officer, manager | the maker | a note; the mismatches as they are now |
| approve | manager | the maker, the checker | no unexplained mismatch with the platform's totals; the budget |
| pay | finance officer | the approver | reference, date; writes the fund spending |
| reconcile | finance officer, manager | whoever recorded the payment | – |

What a statement holds: the hospital's one-stop settlements (not those settled on a written application,
which are paid to the person) with assistance computed or advanced, discharged in the month (``current``),
plus adjustments: a settlement of an earlier, already cleared month that was made after that month was
approved (``late``), and a settlement cleared earlier and reversed since (``reversal``, amounts with the
opposite sign). From the check on, the lines are frozen: nothing rebuilds them, and a settlement made or
reversed afterwards waits for a later month (or for a refresh if the statement is returned to draft).

Per line, difference = assistance computed − assistance the hospital advanced (maf_pay), and the fund
repays the hospital what it advanced up to what was computed: min(advanced, computed). A shortfall is owed
to the person (``Settlement.assistance_owed``, paid through a payment batch); an excess is the hospital's
to recover.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from claimants import roles
from claimants.models import User
from core.errors import DomainError
from core.regions import in_region
from finance import funds, services
from finance.errors import ClearingError
from finance.models import (
    CLEARED_STATES,
    HospitalStatement,
    LineKind,
    SpendingKind,
    StatementEvent,
    StatementLine,
    StatementState,
)
from finance.reconciliation import mismatches, unresolved_mismatches
from settlements.models import Hospital, Settlement

ZERO = Decimal("0.00")
MAKERS = {roles.FINANCE}
CHECKERS = {roles.FINANCE}
APPROVERS = {roles.MANAGER}
PAYERS = {roles.FINANCE}
RECONCILERS = {roles.FINANCE, roles.MANAGER}
RETURNERS = {roles.FINANCE, roles.MANAGER}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_month(text: str) -> dt.date | None:
    """``2026-11`` → 2026-11-01; None for anything else."""
    try:
        return dt.datetime.strptime((text or "").strip(), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return None


def _require(user: User, allowed: set[str]) -> None:
    if not roles.has_role(user, allowed):
        raise DomainError(ClearingError.NOT_ALLOWED)


def _require_state(statement: HospitalStatement, *states: str) -> None:
    if statement.state not in states:
        raise DomainError(ClearingError.WRONG_STATE, state=statement.get_state_display())


def _event(statement: HospitalStatement, action: str, by: User, note: str = "") -> None:
    StatementEvent.objects.create(statement=statement, action=action, by=by, note=note)


def _lock(statement: HospitalStatement) -> HospitalStatement:
    return HospitalStatement.objects.select_for_update().select_related("hospital").get(pk=statement.pk)


# Building the lines ----------------------------------------------------------------------------------


def one_stop_settlements(hospital: Hospital) -> QuerySet[Settlement]:
    """The hospital's one-stop settlements that carry assistance, computed or advanced."""
    return Settlement.objects.filter(visit__hospital=hospital, settled_on__isnull=True).filter(
        Q(assistance__gt=0) | Q(assistance_paid_at_hospital__gt=0)
    )


def _on_other_statement(statement: HospitalStatement, kinds) -> Exists:
    return Exists(
        StatementLine.objects.filter(settlement_id=OuterRef("pk"), kind__in=kinds).exclude(
            statement_id=statement.pk
        )
    )


def _line(statement: HospitalStatement, settlement: Settlement, kind: str) -> StatementLine:
    sign = -1 if kind == LineKind.REVERSAL else 1
    computed = settlement.assistance
    advanced = settlement.assistance_paid_at_hospital
    claimant = settlement.claimant
    return StatementLine(
        statement=statement,
        settlement=settlement,
        kind=kind,
        record_month=month_start(settlement.discharged),
        fund=funds.settlement_fund(settlement.fund),
        account_region_id=funds.account_region(claimant.insured_region_id or claimant.hukou_region_id),
        policy_scope_cost=sign * settlement.policy_scope_cost,
        assistance_computed=sign * computed,
        assistance_advanced=sign * advanced,
        difference=sign * (computed - advanced),
        to_repay=sign * min(advanced, computed),
    )


def lines_of(statement: HospitalStatement) -> list[StatementLine]:
    hospital, month = statement.hospital, statement.month
    inclusion = (LineKind.CURRENT, LineKind.LATE)
    base = one_stop_settlements(hospital).select_related("claimant").order_by("discharged", "pk")
    current = base.filter(
        reversed_at__isnull=True, discharged__gte=month, discharged__lt=next_month(month)
    ).exclude(_on_other_statement(statement, inclusion))
    # Records of earlier months whose statement was approved before they were settled.
    cleared_months = Q(pk__in=[])
    for cleared in HospitalStatement.objects.filter(
        hospital=hospital, state__in=CLEARED_STATES, month__lt=month
    ).values_list("month", flat=True):
        cleared_months |= Q(discharged__gte=cleared, discharged__lt=next_month(cleared))
    late = base.filter(cleared_months, reversed_at__isnull=True).exclude(
        _on_other_statement(statement, inclusion)
    )
    cleared_inclusion = StatementLine.objects.filter(
        settlement_id=OuterRef("pk"),
        kind__in=inclusion,
        statement__state__in=CLEARED_STATES,
        statement__month__lt=month,
    ).exclude(statement_id=statement.pk)
    reversal = (
        base.filter(reversed_at__isnull=False)
        .filter(Exists(cleared_inclusion))
        .exclude(_on_other_statement(statement, (LineKind.REVERSAL,)))
    )
    return (
        [_line(statement, s, LineKind.CURRENT) for s in current]
        + [_line(statement, s, LineKind.LATE) for s in late]
        + [_line(statement, s, LineKind.REVERSAL) for s in reversal]
    )


def _store_lines(statement: HospitalStatement) -> None:
    StatementLine.objects.filter(statement=statement).delete()
    lines = StatementLine.objects.bulk_create(lines_of(statement))
    statement.record_count = sum(1 for line in lines if line.kind != LineKind.REVERSAL)
    for field in (
        "policy_scope_cost",
        "assistance_computed",
        "assistance_advanced",
        "difference",
        "to_repay",
    ):
        setattr(statement, field, sum((getattr(line, field) for line in lines), ZERO))
    statement.built_at = timezone.now()
    statement.save()


@transaction.atomic
def build_statement(*, hospital: Hospital, month: dt.date, by: User) -> HospitalStatement:
    """Make the draft statement of a hospital's month (the month must have ended)."""
    _require(by, MAKERS)
    if not in_region(hospital.region_id, by):
        raise DomainError(ClearingError.NOT_IN_REGION)
    month = month_start(month)
    if next_month(month) > timezone.localdate():
        raise DomainError(ClearingError.MONTH_NOT_ENDED, month=f"{month:%Y-%m}")
    # One build at a time per hospital: two months' statements never take the same adjustment.
    hospital = Hospital.objects.select_for_update().get(pk=hospital.pk)
    if HospitalStatement.objects.filter(hospital=hospital, month=month).exists():
        raise DomainError(ClearingError.ALREADY_EXISTS, hospital=hospital.name, month=f"{month:%Y-%m}")
    statement = HospitalStatement(hospital=hospital, month=month, created_by=by, built_at=timezone.now())
    statement.save()
    _store_lines(statement)
    _event(statement, StatementEvent.Action.BUILT, by)
    return statement


@transaction.atomic
def refresh_statement(*, statement: HospitalStatement, by: User) -> HospitalStatement:
    """Build a draft's lines again from the settlements as they are now."""
    _require(by, MAKERS)
    Hospital.objects.select_for_update().get(pk=statement.hospital_id)
    statement = _lock(statement)
    _require_state(statement, StatementState.DRAFT)
    _store_lines(statement)
    _event(statement, StatementEvent.Action.REFRESHED, by)
    return statement


# Transitions ------------------------------------------------------------------------------------------


@transaction.atomic
def check_statement(*, statement: HospitalStatement, by: User) -> HospitalStatement:
    """复核: a second finance officer confirms the lines; from now on they are frozen."""
    _require(by, CHECKERS)
    statement = _lock(statement)
    _require_state(statement, StatementState.DRAFT)
    if statement.created_by_id == by.pk:
        raise DomainError(ClearingError.MAKER_CANNOT_CHECK)
    statement.state = StatementState.CHECKED
    statement.checked_by, statement.checked_at = by, timezone.now()
    statement.save(update_fields=["state", "checked_by", "checked_at"])
    _event(statement, StatementEvent.Action.CHECKED, by)
    return statement


@transaction.atomic
def return_statement(*, statement: HospitalStatement, by: User, reason: str) -> HospitalStatement:
    """Send a checked statement back to draft (before approval), with the reason."""
    _require(by, RETURNERS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ClearingError.NOTE_REQUIRED)
    statement = _lock(statement)
    _require_state(statement, StatementState.CHECKED)
    statement.state = StatementState.DRAFT
    statement.checked_by, statement.checked_at = None, None
    statement.accepted_mismatches, statement.mismatch_note = [], ""
    statement.save(
        update_fields=["state", "checked_by", "checked_at", "accepted_mismatches", "mismatch_note"]
    )
    _event(statement, StatementEvent.Action.RETURNED, by, reason)
    return statement


@transaction.atomic
def accept_mismatches(*, statement: HospitalStatement, by: User, note: str) -> HospitalStatement:
    """Explain the mismatches with the platform's totals as they are now (e.g. records that come next
    month as adjustments); approval then goes ahead while they stay exactly these."""
    _require(by, RETURNERS)
    note = (note or "").strip()
    if not note:
        raise DomainError(ClearingError.NOTE_REQUIRED)
    statement = _lock(statement)
    _require_state(statement, StatementState.DRAFT, StatementState.CHECKED)
    if statement.created_by_id == by.pk:
        raise DomainError(ClearingError.MAKER_CANNOT_ACCEPT)
    found = [m.key for m in mismatches(statement)]
    if not found:
        raise DomainError(ClearingError.NO_MISMATCHES)
    statement.accepted_mismatches, statement.mismatch_note = found, note
    statement.save(update_fields=["accepted_mismatches", "mismatch_note"])
    _event(statement, StatementEvent.Action.MISMATCHES_ACCEPTED, by, note)
    return statement


@dataclass(frozen=True)
class Approval:
    statement: HospitalStatement
    checks: list[services.BudgetCheck]

    @property
    def warnings(self) -> list[services.BudgetCheck]:
        return [check for check in self.checks if check.warning]


def amounts_by_account(statement: HospitalStatement) -> dict[tuple[str, str], Decimal]:
    """What the statement repays, per fund account (fund, account region)."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for fund, region, to_repay in statement.lines.values_list("fund", "account_region_id", "to_repay"):
        totals[fund, region] += to_repay
    return dict(totals)


@transaction.atomic
def approve_statement(
    *, statement: HospitalStatement, by: User, override_reason: str | None = None
) -> Approval:
    """Approve the repayment: refused while a mismatch with the platform's totals is unexplained, and
    past a budget unless the manager gives ``override_reason``. The amounts are reserved per account."""
    _require(by, APPROVERS)
    statement = _lock(statement)
    _require_state(statement, StatementState.CHECKED)
    if by.pk in (statement.created_by_id, statement.checked_by_id):
        raise DomainError(ClearingError.SAME_PERSON_APPROVES)
    if unresolved := unresolved_mismatches(statement):
        raise DomainError(ClearingError.UNRESOLVED_MISMATCHES, count=len(unresolved))
    year = timezone.localdate().year
    checks = []
    for (fund, region), amount in sorted(amounts_by_account(statement).items()):
        if amount <= 0:
            continue
        checks.append(
            services.check_budget(
                fund=fund, region=region, year=year, amount=amount, override_reason=override_reason, by=by
            )
        )
        services.commit(fund=fund, region=region, year=year, amount=amount, source=statement.source, by=by)
    statement.state = StatementState.APPROVED
    statement.approved_by, statement.approved_at = by, timezone.now()
    statement.save(update_fields=["state", "approved_by", "approved_at"])
    note = (override_reason or "").strip() if any(check.overridden for check in checks) else ""
    _event(statement, StatementEvent.Action.APPROVED, by, note)
    return Approval(statement=statement, checks=checks)


@transaction.atomic
def pay_statement(
    *, statement: HospitalStatement, by: User, reference: str, payment_date: dt.date
) -> HospitalStatement:
    """Record the transfer to the hospital; the fund spending is written per account."""
    _require(by, PAYERS)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(ClearingError.REFERENCE_REQUIRED)
    statement = _lock(statement)
    _require_state(statement, StatementState.APPROVED)
    if by.pk == statement.approved_by_id:
        raise DomainError(ClearingError.APPROVER_CANNOT_PAY)
    if (
        payment_date is None
        or payment_date > timezone.localdate()
        or payment_date < timezone.localtime(statement.approved_at).date()
    ):
        raise DomainError(ClearingError.PAYMENT_DATE_INVALID)
    for (fund, region), amount in sorted(amounts_by_account(statement).items()):
        if amount == 0:
            continue
        services.record_spending(
            fund=fund,
            region=region,
            kind=SpendingKind.HOSPITAL_REPAYMENT,
            amount=amount,
            date=payment_date,
            reference=reference,
            source=statement.source,
            by=by,
        )
    statement.state = StatementState.PAID
    statement.paid_by, statement.payment_reference, statement.payment_date = by, reference, payment_date
    statement.save(update_fields=["state", "paid_by", "payment_reference", "payment_date"])
    _event(statement, StatementEvent.Action.PAID, by, reference)
    return statement


@transaction.atomic
def reconcile_statement(*, statement: HospitalStatement, by: User) -> HospitalStatement:
    """Confirm that the hospital received the payment (bank statement, the hospital's receipt)."""
    _require(by, RECONCILERS)
    statement = _lock(statement)
    _require_state(statement, StatementState.PAID)
    if by.pk == statement.paid_by_id:
        raise DomainError(ClearingError.PAYER_CANNOT_RECONCILE)
    statement.state = StatementState.RECONCILED
    statement.reconciled_by, statement.reconciled_at = by, timezone.now()
    statement.save(update_fields=["state", "reconciled_by", "reconciled_at"])
    _event(statement, StatementEvent.Action.RECONCILED, by)
    return statement
