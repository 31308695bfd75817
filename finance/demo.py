"""Demo data of the finance app, dated from today: a checker beside each city's finance officer, budgets and
income of every fund account of the three cities, last month's one-stop settlements at the Mianyang
hospitals with the assistance the hospitals advanced (mostly what was computed, a few differing) and the
platform's totals for that month (one hospital's total differs), so that a month is ready to clear; and the
Mianyang medical-assistance budget already spent to more than 90%.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from claimants.admin_access import sync_staff_access
from claimants.demo import CITIES, DEMO_PASSWORD
from claimants.models import Claimant, User
from core.errors import DomainError
from core.roles import ROLE_DEPARTMENT, Role
from finance import clearing, funds, services
from finance.models import Budget, FundSpending, IncomeKind, PlatformTotal, SpendingKind
from settlements import services as settlement_services
from settlements.models import Hospital, Visit

D = Decimal
CHECKER_SUFFIX = "_finance2"


def create_checkers() -> list[tuple[str, str, str]]:
    """A second finance officer per city: the statement's checker (复核) cannot be its maker."""
    accounts = []
    for prefix in CITIES:
        maker = User.objects.filter(username=f"{prefix}_finance").first()
        if maker is None:
            continue
        username = f"{prefix}{CHECKER_SUFFIX}"
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": Role.FINANCE_OFFICER,
                "department": ROLE_DEPARTMENT[Role.FINANCE_OFFICER],
                "region": maker.region,
                "first_name": "财务复核",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        sync_staff_access(user)
        accounts.append((username, "财务人员（复核）", maker.region.full_name))
    return accounts


def create_budgets(year: int) -> int:
    """Budgets and an appropriation for every fund account of the demo cities; Mianyang's medical
    assistance fund spent to above 90% (earlier repayments booked this year)."""
    created = 0
    for prefix in CITIES:
        manager = User.objects.get(username=f"{prefix}_manager")
        finance = User.objects.get(username=f"{prefix}_finance")
        for region in funds.accounts_visible_to(manager):
            for fund in funds.funds_of(funds.jurisdiction_of(region.code)):
                if Budget.objects.filter(fund=fund, region=region, year=year).exists():
                    continue
                services.set_budget(
                    fund=fund, region=region.code, year=year, amount=D("2000000.00"), by=manager
                )
                services.record_income(
                    fund=fund,
                    region=region.code,
                    kind=IncomeKind.APPROPRIATION,
                    amount=D("2000000.00"),
                    date=dt.date(year, 1, 15),
                    reference=f"CZ{year}-{region.code}-{fund[:4]}",
                    by=finance,
                    note="演示数据：年度财政拨款",
                )
                created += 1
    mianyang = User.objects.get(username="my_finance")
    source = "demo:earlier-repayments"
    if not FundSpending.objects.filter(source=source).exists():
        services.record_spending(
            fund="medical_assistance",
            region=CITIES["my"],
            kind=SpendingKind.HOSPITAL_REPAYMENT,
            amount=D("1830000.00"),  # 91.5% of the demo budget
            date=dt.date(year, 1, 31) if timezone.localdate().month > 1 else timezone.localdate(),
            reference=f"ZF{year}-0001",
            source=source,
            by=mianyang,
        )
    return created


def create_month_to_clear(*, seed: int = 15) -> int:
    """Last month's one-stop visits at the Mianyang hospitals, settled, with maf_pay; the platform's totals."""
    rng = random.Random(seed)
    today = timezone.localdate()
    month = clearing.month_start(clearing.month_start(today) - dt.timedelta(days=1))
    hospitals = list(Hospital.objects.filter(code__startswith=f"H{CITIES['my']}").order_by("code")[:3])
    if not hospitals or PlatformTotal.objects.filter(month=month, hospital__in=hospitals).exists():
        return 0
    reviewer = User.objects.get(username="my_reviewer")
    claimants = list(
        Claimant.objects.filter(hukou_region__code__startswith=CITIES["my"], certifications__isnull=False)
        .distinct()
        .order_by("pk")[:40]
    )
    rng.shuffle(claimants)
    settled = 0
    for index, hospital in enumerate(hospitals):
        records, advanced_total = 0, D("0.00")
        for number, claimant in enumerate(claimants[index * 8 : index * 8 + 8]):
            discharged = month + dt.timedelta(days=rng.randint(0, 25))
            scope = D(rng.randint(3000, 40000)).quantize(D("0.01"))
            values = {
                "claimant": claimant,
                "hospital": hospital,
                "visit_type": "inpatient",
                "admitted": discharged - dt.timedelta(days=rng.randint(1, 12)),
                "discharged": discharged,
                "referral": "referred",
                "total_cost": scope + D(rng.randint(0, 2000)),
                "policy_scope_cost": scope,
                "basic_insurance_paid": (scope * D("0.60")).quantize(D("0.01")),
            }
            try:
                preview = settlement_services.preview_settlement(visit=Visit(year=discharged.year, **values))
            except DomainError:
                continue
            computed = preview.result.assistance
            if computed <= 0:
                continue
            # The hospital advanced what was computed, except every seventh record (a rounding or a rule
            # difference the clearing shows).
            advanced = computed if number % 7 else max(computed - D("35.50"), D("0.00"))
            visit = settlement_services.record_visit(
                by=None,
                settlement_ref=f"DEMO{hospital.pk:03d}{month:%Y%m}{number:03d}",
                assistance_paid_at_hospital=advanced,
                **values,
            )
            settlement_services.settle_visit(visit=visit, by=reviewer)
            records += 1
            advanced_total += advanced
            settled += 1
        # The platform's 对总账: the third hospital's total carries one record more than Jiuzhu knows.
        extra = 1 if index == 2 else 0
        PlatformTotal.objects.create(
            hospital=hospital,
            month=month,
            record_count=records + extra,
            assistance_total=advanced_total + (D("1200.00") if extra else 0),
            file_name="演示数据-对总账.csv",
            imported_by=User.objects.get(username="my_finance"),
        )
    return settled


@transaction.atomic
def seed() -> dict:
    """Idempotent: checkers and budgets are kept; the month to clear is made once."""
    if not User.objects.filter(username="my_finance").exists():
        return {"accounts": [], "budgets": 0, "settled": 0}
    accounts = create_checkers()
    budgets = create_budgets(timezone.localdate().year)
    return {"accounts": accounts, "budgets": budgets, "settled": create_month_to_clear()}
