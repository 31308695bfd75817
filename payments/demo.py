"""Demo payments, dated relative to today, for each city: a batch paid ten days ago with one payment that
bounced (wrong account: the item is back in the payable queue, waiting for a corrected account), a batch
released two days ago waiting for the bank's results, and a batch made today waiting for its check.
Walked through the services by the demo staff plus a second reviewer per city (``<city>_checker``), since
whoever approved an amount may not check its payment. Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from applications import kinds
from claimants.admin_access import sync_staff_access
from claimants.demo import CITIES, DEMO_PASSWORD
from claimants.models import Region, User
from core.roles import ROLE_DEPARTMENT, Role
from payments import selectors, services
from payments.models import PaymentBatch, PaymentLine
from payments.services import BankResult

BANKS = ("中国农业银行", "中国工商银行", "中国建设银行", "中国邮政储蓄银行", "农村信用合作社")


def _checker(prefix: str, city_code: str) -> User:
    user, _ = User.objects.update_or_create(
        username=f"{prefix}_checker",
        defaults={
            "role": Role.MEDICAL_SECURITY_REVIEWER,
            "department": ROLE_DEPARTMENT[Role.MEDICAL_SECURITY_REVIEWER],
            "region": Region.objects.get(code=city_code),
            "first_name": "复核员",
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    sync_staff_access(user)
    return user


def accounts() -> list[tuple[str, str, str]]:
    """The checkers this demo adds (username, role, region), for the list of demo accounts."""
    users = User.objects.filter(username__in=[f"{p}_checker" for p in CITIES]).select_related("region")
    return [(u.username, str(Role(u.role).label), u.region.full_name) for u in users.order_by("username")]


def _with_payees(claimants, by: User) -> None:
    for index, claimant in enumerate(claimants):
        if not hasattr(claimant, "payee"):
            services.set_payee(
                claimant=claimant,
                by=by,
                name=claimant.name,
                bank_name=BANKS[claimant.pk % len(BANKS)],
                account_number=f"62{claimant.pk:014d}{index % 10}",
            )


def _dated(batch: PaymentBatch, days_ago: int) -> None:
    at = timezone.now() - dt.timedelta(days=days_ago)
    PaymentBatch.objects.filter(pk=batch.pk).update(
        made_at=at,
        checked_at=at + dt.timedelta(hours=2) if batch.checked_at else None,
        released_at=at + dt.timedelta(hours=4) if batch.released_at else None,
    )
    batch.events.filter(kind="made").update(at=at)
    batch.events.filter(kind="checked").update(at=at + dt.timedelta(hours=2))
    batch.events.filter(kind="released").update(at=at + dt.timedelta(hours=4))


def _items(city_code: str, count: int):
    applications = list(
        selectors.payable_applications(city_code)
        .filter(kind=kinds.REIMBURSEMENT, last_failed_line__isnull=True)
        .select_related("claimant")
        .order_by("pk")[:1]
    )
    settlements = list(
        selectors.payable_settlements(city_code)
        .filter(last_failed_line__isnull=True)  # a bounced one waits for its corrected account
        .select_related("claimant")
        .order_by("pk")[: count - len(applications)]
    )
    return applications, settlements


def _batch(city_code, maker, checker, manager, *, count, release=True):
    applications, settlements = _items(city_code, count)
    if not applications and not settlements:
        return None
    _with_payees([a.claimant for a in applications] + [s.claimant for s in settlements], maker)
    batch = services.make_batch(
        by=maker, application_ids=[a.pk for a in applications], settlement_ids=[s.pk for s in settlements]
    )
    if release:
        batch = services.check_batch(batch=batch, by=checker)
        batch = services.release_batch(batch=batch, by=manager)
    return batch


def _bank_results(batch: PaymentBatch, by: User, paid_on: dt.date) -> None:
    lines = list(batch.lines.order_by("pk"))
    bounced = lines[-1] if len(lines) > 1 else None
    results = [
        BankResult(
            line=index,
            reference=line.reference,
            amount=line.amount,
            paid=line is not bounced,
            paid_on=paid_on if line is not bounced else None,
            failure_reason="" if line is not bounced else "wrong_account",
            failure_note="" if line is not bounced else "账号有误，户名与账号不符（演示）",
        )
        for index, line in enumerate(lines, start=2)
    ]
    services.import_bank_results(batch=batch, by=by, results=results)


def seed() -> dict:
    if PaymentLine.objects.filter(batch__historical=False).exists():
        return {"batches": 0}
    today = timezone.localdate()
    made = 0
    for prefix, city_code in CITIES.items():
        if not Region.objects.filter(code=city_code).exists():
            continue
        maker = User.objects.get(username=f"{prefix}_reviewer")
        manager = User.objects.get(username=f"{prefix}_manager")
        checker = _checker(prefix, city_code)
        with transaction.atomic():
            paid = _batch(city_code, maker, checker, manager, count=4)
            if paid is None:
                continue
            _bank_results(paid, checker, today - dt.timedelta(days=7))
            _dated(paid, 10)
            waiting = _batch(city_code, maker, checker, manager, count=3)
            if waiting is not None:
                _dated(waiting, 2)
            _batch(city_code, maker, checker, manager, count=2, release=False)
        made += PaymentBatch.objects.filter(region_id=city_code, historical=False).count()
    return {"batches": made}
