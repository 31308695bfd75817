"""A payment batch of the payments app passes through the fund accounts as a hospital statement does
(connected in ``FinanceConfig.ready()`` to ``payments.hooks``):

- at release, its amount per fund account and year is checked against the budget (``check_budget``: refused
  past 100% unless the releasing manager's note gives the reason) and reserved (``Commitment``);
- each bank result books what was paid as spending of the account (one entry per account and year of
  payment), and what is still at the bank stays reserved, nothing more: a bounced line frees its share.
"""

from collections import defaultdict
from decimal import Decimal

from claimants.models import User
from finance import funds, services
from finance.models import Commitment, SpendingKind
from payments.hooks import FundTotal
from payments.models import LineState, PaymentBatch, PaymentLine


def _source(batch: PaymentBatch) -> str:
    return f"payment-batch:{batch.pk}"


def _by_account(totals: list[FundTotal]) -> dict[tuple[str, str, int], Decimal]:
    """Township totals rolled up to the fund accounts (the city, or Beijing's district)."""
    sums: dict[tuple[str, str, int], Decimal] = defaultdict(lambda: Decimal("0.00"))
    for total in totals:
        sums[(total.fund, funds.account_region(total.region_id), total.year)] += total.amount
    return dict(sorted(sums.items()))


def check_release(*, batch: PaymentBatch, totals: list[FundTotal], by: User, note: str) -> list[str]:
    """The budget check of each account the batch pays from; the warnings of those from 90% on."""
    warnings = []
    for (fund, account, year), amount in _by_account(totals).items():
        check = services.check_budget(
            fund=fund, region=account, year=year, amount=amount, override_reason=note, by=by
        )
        services.commit(fund=fund, region=account, year=year, amount=amount, source=_source(batch), by=by)
        if check.warning:
            warnings.append(services.budget_warning(check))
    return warnings


def book_results(
    *, batch: PaymentBatch, lines: list[PaymentLine], paid_totals: list[FundTotal], by: User
) -> None:
    for (fund, account, year), amount in _by_account(paid_totals).items():
        paid = [line for line in lines if line.fund == fund and line.paid_on.year == year]
        services.record_spending(
            fund=fund,
            region=account,
            kind=SpendingKind.PERSONAL_PAYMENT,
            amount=amount,
            date=max(line.paid_on for line in paid),
            reference=batch.number,
            source=f"{_source(batch)}:{min(line.pk for line in paid)}",
            by=by,
        )
    _reserve_what_is_still_at_the_bank(batch, by)


def _reserve_what_is_still_at_the_bank(batch: PaymentBatch, by: User) -> None:
    reserved = Commitment.objects.filter(source=_source(batch), released_at__isnull=True)
    years = {(c.fund, c.region_id): c.year for c in reserved}
    services.release_commitments(source=_source(batch))
    still_sent = batch.lines.filter(state=LineState.SENT)
    at_bank = [FundTotal(line.fund, line.region_id, 0, line.amount) for line in still_sent]
    for (fund, account, _year), amount in _by_account(at_bank).items():
        year = years.get((fund, account))
        if year is not None:
            services.commit(fund=fund, region=account, year=year, amount=amount, source=_source(batch), by=by)
