"""Writes of the fund accounts: income, budgets, the budget check at approval, commitments and spending.

``check_budget`` is the one gate every approval that spends a fund passes (a hospital statement here, a
payment batch of the payments app): beyond 100% of the year's budget it refuses unless a manager gives a
reason, which is stored (``BudgetOverride``) and written to the audit log; from 90% it warns. Amounts
already approved and not yet paid (``Commitment``) count as used, so two approvals cannot together pass the
budget unnoticed. The caller approves in its own transaction: ``check_budget`` locks the budget row, so
concurrent approvals of one account are checked one after the other.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from claimants import roles
from claimants.models import Region, User
from claimants.services import audit
from core.errors import DomainError
from core.regions import in_region
from finance import funds
from finance.errors import BudgetError, FundError
from finance.models import Budget, BudgetOverride, Commitment, FundIncome, FundSpending, IncomeKind
from settlements.money import format_money

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
WARNING_SHARE = Decimal("0.90")
INCOME_ROLES = {roles.FINANCE, roles.MANAGER}
BUDGET_ROLES = {roles.MANAGER}


@dataclass(frozen=True)
class BudgetCheck:
    """The outcome of a budget check that let the approval go ahead."""

    fund: str
    region: str
    year: int
    budget: Decimal | None
    used: Decimal  # spent and approved before this amount
    amount: Decimal
    overridden: bool

    @property
    def after(self) -> Decimal:
        return self.used + self.amount

    @property
    def share(self) -> Decimal | None:
        """The budget's execution after this amount (0.9312 for 93.12%), None without a budget."""
        if not self.budget:
            return None
        return (self.after / self.budget).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    @property
    def warning(self) -> bool:
        """From 90% of the budget on (or beyond it, with an override)."""
        return self.overridden or (self.share is not None and self.share >= WARNING_SHARE)


def budget_warning(check: BudgetCheck) -> str:
    """What the approver is told when the approval takes the budget to 90% or beyond."""
    return _("预算提示：%(fund)s 批准后执行率 %(share)s（预算 %(budget)s 元）") % {
        "fund": funds.fund_name(check.fund),
        "share": _share_text(check.share),
        "budget": format_money(check.budget) if check.budget is not None else "—",
    }


def _share_text(share: Decimal | None) -> str:
    return "—" if share is None else f"{share:.2%}"


def account(*, fund: str, region: str, by: User | None) -> Region:
    """The account region ``region`` with the fund checked against its jurisdiction; with ``by``, only an
    account inside the user's region."""
    region_row = Region.objects.filter(code=region).first()
    if region_row is None or not funds.is_account(region):
        raise DomainError(FundError.NOT_AN_ACCOUNT, region=region)
    if by is not None and not in_region(region, by):
        raise DomainError(FundError.NOT_AN_ACCOUNT, region=region_row.full_name)
    if fund not in funds.funds_of(funds.jurisdiction_of(region)):
        raise DomainError(FundError.UNKNOWN_FUND, fund=funds.fund_name(fund))
    return region_row


@transaction.atomic
def record_income(
    *,
    fund: str,
    region: str,
    kind: str,
    amount: Decimal,
    date: dt.date,
    reference: str,
    by: User,
    note: str = "",
) -> FundIncome:
    """Book money received by a fund account (appropriation, district remittance, donation)."""
    if not roles.has_role(by, INCOME_ROLES):
        raise DomainError(FundError.NOT_ALLOWED)
    region_row = account(fund=fund, region=region, by=by)
    if kind not in IncomeKind.values:
        raise DomainError(FundError.NOT_ALLOWED)
    if amount is None or amount <= 0:
        raise DomainError(FundError.AMOUNT_NOT_POSITIVE)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(FundError.REFERENCE_REQUIRED)
    income = FundIncome.objects.create(
        fund=fund,
        region=region_row,
        kind=kind,
        amount=amount.quantize(CENT, ROUND_HALF_UP),
        date=date,
        reference=reference,
        note=(note or "").strip(),
        recorded_by=by,
    )
    audit(user=by, action="record_fund_income", target=income, amount=str(income.amount), fund=fund)
    return income


@transaction.atomic
def set_budget(*, fund: str, region: str, year: int, amount: Decimal, by: User) -> Budget:
    """Set (or change) the year's budget of a fund account; the history keeps every earlier amount."""
    if not roles.has_role(by, BUDGET_ROLES):
        raise DomainError(FundError.NOT_ALLOWED)
    region_row = account(fund=fund, region=region, by=by)
    if amount is None or amount < 0:
        raise DomainError(FundError.AMOUNT_NEGATIVE)
    budget, _created = Budget.objects.update_or_create(
        fund=fund,
        region=region_row,
        year=year,
        defaults={"amount": amount.quantize(CENT, ROUND_HALF_UP), "set_by": by},
    )
    audit(user=by, action="set_budget", target=budget, amount=str(budget.amount), year=year, fund=fund)
    return budget


def used_amount(*, fund: str, region: str, year: int) -> Decimal:
    """Spent in the year plus approved and not yet paid."""
    spent = FundSpending.objects.filter(fund=fund, region_id=region, date__year=year).aggregate(
        total=Sum("amount")
    )["total"]
    committed = Commitment.objects.filter(
        fund=fund, region_id=region, year=year, released_at__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return (spent or ZERO) + (committed or ZERO)


def check_budget(
    *,
    fund: str,
    region: str,
    year: int,
    amount: Decimal,
    override_reason: str | None = None,
    by: User,
) -> BudgetCheck:
    """May ``amount`` be approved on the account's budget of ``year``? Call it inside the approval's
    transaction. Refused beyond 100% (or without a budget) unless ``by`` is a manager and gives
    ``override_reason``; the override is stored and audited. The result's ``warning`` is set from 90%."""
    budget_row = Budget.objects.select_for_update().filter(fund=fund, region_id=region, year=year).first()
    budget = budget_row.amount if budget_row is not None else None
    used = used_amount(fund=fund, region=region, year=year)
    check = BudgetCheck(
        fund=fund, region=region, year=year, budget=budget, used=used, amount=amount, overridden=False
    )
    if budget is not None and check.after <= budget:
        return check
    reason = (override_reason or "").strip()
    if not reason:
        region_name = Region.objects.filter(code=region).values_list("name", flat=True).first() or region
        if budget is None:
            raise DomainError(
                BudgetError.NO_BUDGET, fund=funds.fund_name(fund), region=region_name, year=year
            )
        raise DomainError(
            BudgetError.OVER_BUDGET,
            fund=funds.fund_name(fund),
            region=region_name,
            year=year,
            budget=format_money(budget),
            used=format_money(used),
            amount=format_money(amount),
            share=_share_text(check.share),
        )
    if not roles.has_role(by, {roles.MANAGER}):
        raise DomainError(BudgetError.OVERRIDE_NOT_ALLOWED)
    override = BudgetOverride.objects.create(
        fund=fund, region_id=region, year=year, budget=budget, used=used, amount=amount, reason=reason, by=by
    )
    audit(
        user=by,
        action="budget_override",
        target=override,
        fund=fund,
        region=region,
        year=year,
        budget=None if budget is None else str(budget),
        used=str(used),
        amount=str(amount),
        reason=reason,
    )
    return BudgetCheck(
        fund=fund, region=region, year=year, budget=budget, used=used, amount=amount, overridden=True
    )


def commit(*, fund: str, region: str, year: int, amount: Decimal, source: str, by: User) -> Commitment:
    """Reserve an approved amount against the budget until its payment is recorded (``record_spending``)."""
    return Commitment.objects.create(
        fund=fund, region_id=region, year=year, amount=amount, source=source, created_by=by
    )


def release_commitments(*, source: str) -> int:
    """Free what ``source`` still reserves (its items were paid, bounced or withdrawn)."""
    return Commitment.objects.filter(source=source, released_at__isnull=True).update(
        released_at=timezone.now()
    )


def record_spending(
    *,
    fund: str,
    region: str,
    kind: str,
    amount: Decimal,
    date: dt.date,
    reference: str,
    source: str,
    by: User,
) -> FundSpending:
    """Book a payment out of a fund account and release what its approval reserved. Called inside the
    paying service's transaction (a hospital statement paid, a payment batch released)."""
    spending = FundSpending.objects.create(
        fund=fund,
        region_id=region,
        kind=kind,
        amount=amount,
        date=date,
        reference=reference,
        source=source,
        recorded_by=by,
    )
    Commitment.objects.filter(source=source, fund=fund, region_id=region, released_at__isnull=True).update(
        released_at=timezone.now()
    )
    return spending
