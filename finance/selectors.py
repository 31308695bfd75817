"""Reads of the finance app, starting from the user's region (a statement of a hospital outside it, 404)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from claimants import roles
from claimants.models import Region, User
from finance import funds
from finance.clearing import next_month
from finance.models import (
    Budget,
    Commitment,
    FundIncome,
    FundSpending,
    HospitalStatement,
    PlatformTotal,
    StatementState,
)
from finance.reconciliation import mismatches
from settlements.models import Hospital

ZERO = Decimal("0.00")
VIEWERS = {roles.FINANCE, roles.MANAGER}


def statements_visible_to(user: User) -> QuerySet[HospitalStatement]:
    return HospitalStatement.objects.filter(hospital__region__code__startswith=user.region_id or "\x00")


def get_statement_for_user(*, user: User, statement_id: int) -> HospitalStatement:
    return get_object_or_404(
        statements_visible_to(user).select_related(
            "hospital__region", "created_by", "checked_by", "approved_by", "paid_by", "reconciled_by"
        ),
        pk=statement_id,
    )


def hospitals_visible_to(user: User) -> QuerySet[Hospital]:
    return Hospital.objects.filter(region__code__startswith=user.region_id or "\x00").order_by("code")


def statements_awaiting_count(user: User) -> int:
    """The navigation counter: statements waiting for this user's next step (check, approve, pay)."""
    if user.role == roles.FINANCE:
        waiting = Q(state=StatementState.DRAFT) & ~Q(created_by=user) | Q(state=StatementState.APPROVED)
    elif user.role == roles.MANAGER:
        waiting = Q(state=StatementState.CHECKED)
    else:
        return 0
    return statements_visible_to(user).filter(waiting).count()


@dataclass(frozen=True)
class OverviewRow:
    hospital: Hospital
    statement: HospitalStatement | None
    platform: PlatformTotal | None
    mismatch_count: int


def month_overview(*, user: User, month: dt.date, region: str = "") -> list[OverviewRow]:
    """Every hospital of the user's region (or of ``region`` inside it) with its statement of the month,
    the platform's total and the number of mismatches between them."""
    hospitals = hospitals_visible_to(user).select_related("region")
    if region:
        hospitals = hospitals.filter(region__code__startswith=region)
    hospitals = list(hospitals)
    statements = {
        s.hospital_id: s
        for s in HospitalStatement.objects.filter(hospital__in=hospitals, month=month).select_related(
            "hospital"
        )
    }
    platform = {p.hospital_id: p for p in PlatformTotal.objects.filter(hospital__in=hospitals, month=month)}
    rows = []
    for hospital in hospitals:
        statement = statements.get(hospital.pk)
        found = mismatches(statement, platform.get(hospital.pk)) if statement is not None else []
        if statement is None and hospital.pk not in platform:
            continue  # nothing to clear at this hospital this month
        rows.append(OverviewRow(hospital, statement, platform.get(hospital.pk), len(found)))
    return rows


def hospitals_to_clear(*, user: User, month: dt.date) -> list[Hospital]:
    """Hospitals of the user's region with one-stop settlements in the month and no statement yet."""
    from finance.clearing import one_stop_settlements  # the one definition of what a statement holds

    have = HospitalStatement.objects.filter(month=month).values("hospital_id")
    candidates = hospitals_visible_to(user).exclude(pk__in=have)
    return [
        h
        for h in candidates
        if one_stop_settlements(h)
        .filter(reversed_at__isnull=True, discharged__gte=month, discharged__lt=next_month(month))
        .exists()
    ]


@dataclass(frozen=True)
class AccountRow:
    """One fund account's figures for the report: the month's and the year's to the end of the month."""

    fund: str
    fund_name: str
    region: Region
    budget: Decimal | None
    income_month: Decimal
    income_year: Decimal
    spending_month: Decimal
    spending_year: Decimal
    committed: Decimal
    balance: Decimal  # all income less all spending up to the end of the month

    @property
    def execution(self) -> Decimal | None:
        """Spent in the year as a share of the budget."""
        if not self.budget:
            return None
        return self.spending_year / self.budget

    @property
    def execution_text(self) -> str:
        return "—" if self.execution is None else f"{self.execution:.1%}"

    @property
    def near_limit(self) -> bool:
        return (
            self.budget is not None
            and self.budget > 0
            and self.spending_year + self.committed >= self.budget * Decimal("0.9")
        )


def budget_of_region(*, region_code: str, year: int) -> Decimal | None:
    """The year's budgets (every fund) of the accounts inside ``region_code``, or of the account it belongs
    to; None when none is set (the dashboard's fund panel, ``monitoring.dashboards.selectors.FUND_BUDGET``)."""
    budgets = Budget.objects.filter(year=year).filter(
        Q(region__code__startswith=region_code) | Q(region_id=funds.account_region(region_code))
    )
    return budgets.aggregate(total=Sum("amount"))["total"]


def _sums(queryset, key_fields=("fund", "region_id")) -> dict[tuple[str, str], Decimal]:
    return {
        (row["fund"], row["region_id"]): row["total"] or ZERO
        for row in queryset.values(*key_fields).annotate(total=Sum("amount")).order_by()
    }


def fund_report(*, user: User, month: dt.date) -> list[AccountRow]:
    """Income, spending, balance and budget execution per fund and account of the user's region, for
    ``month`` and its year up to the month's end."""
    accounts = funds.accounts_visible_to(user)
    if not accounts:
        return []
    codes = [r.code for r in accounts]
    end = next_month(month)
    year_start = month.replace(month=1)
    income = FundIncome.objects.filter(region__in=codes, date__lt=end)
    spending = FundSpending.objects.filter(region__in=codes, date__lt=end)
    income_all, spending_all = _sums(income), _sums(spending)
    income_year = _sums(income.filter(date__gte=year_start))
    spending_year = _sums(spending.filter(date__gte=year_start))
    income_month = _sums(income.filter(date__gte=month))
    spending_month = _sums(spending.filter(date__gte=month))
    committed = _sums(Commitment.objects.filter(region__in=codes, year=month.year, released_at__isnull=True))
    budgets = {
        (b.fund, b.region_id): b.amount for b in Budget.objects.filter(region__in=codes, year=month.year)
    }
    rows = []
    for region in accounts:
        for fund, name in funds.funds_of(funds.jurisdiction_of(region.code)).items():
            key = (fund, region.code)
            rows.append(
                AccountRow(
                    fund=fund,
                    fund_name=name,
                    region=region,
                    budget=budgets.get(key),
                    income_month=income_month.get(key, ZERO),
                    income_year=income_year.get(key, ZERO),
                    spending_month=spending_month.get(key, ZERO),
                    spending_year=spending_year.get(key, ZERO),
                    committed=committed.get(key, ZERO),
                    balance=income_all.get(key, ZERO) - spending_all.get(key, ZERO),
                )
            )
    return rows


def recent_income(user: User, limit: int = 20) -> QuerySet[FundIncome]:
    codes = [r.code for r in funds.accounts_visible_to(user)]
    return FundIncome.objects.filter(region__in=codes).select_related("region", "recorded_by")[:limit]
