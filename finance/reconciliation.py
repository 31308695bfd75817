"""Reconciliation of a statement with the platform's monthly totals (3201-style 对总账).

The platform knows a hospital's month as a record count and the medical assistance it paid (maf_pay).
The statement's side is its lines of the month itself (``current``; adjustments belong to other months)
that carry an advance. Every difference is listed: no platform total for the month, records missing on
one side, a different total. Approval waits until there is none, or until someone other than the maker
explained exactly the list as it stands (``clearing.accept_mismatches``).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from finance.models import HospitalStatement, LineKind, PlatformTotal
from settlements.money import format_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Mismatch:
    key: str  # stable: the kind and both figures (an explanation covers exactly these)
    kind: str
    message: str
    platform: object
    ours: object


def our_totals(statement: HospitalStatement) -> tuple[int, Decimal]:
    """(records, assistance advanced) of the statement's own month, as the platform counts them."""
    sums = statement.lines.filter(kind=LineKind.CURRENT, assistance_advanced__gt=0).aggregate(
        n=Count("pk"), total=Sum("assistance_advanced")
    )
    return sums["n"], sums["total"] or ZERO


def mismatches(statement: HospitalStatement, platform: PlatformTotal | None = None) -> list[Mismatch]:
    if platform is None:
        platform = PlatformTotal.objects.filter(
            hospital_id=statement.hospital_id, month=statement.month
        ).first()
    if platform is None:
        return [
            Mismatch(
                "platform_missing",
                "platform_missing",
                _("尚未导入医保平台该月的对总账"),
                None,
                None,
            )
        ]
    records, advanced = our_totals(statement)
    found = []
    if platform.record_count != records:
        missing = platform.record_count - records
        message = (
            _("医保平台有 %(n)s 笔结算在本对账单中没有") % {"n": missing}
            if missing > 0
            else _("本对账单有 %(n)s 笔结算不在医保平台对总账中") % {"n": -missing}
        )
        found.append(
            Mismatch(
                f"records:{platform.record_count}:{records}",
                "records",
                message,
                platform.record_count,
                records,
            )
        )
    if platform.assistance_total != advanced:
        found.append(
            Mismatch(
                f"amount:{platform.assistance_total}:{advanced}",
                "amount",
                _("医疗救助基金支付金额不一致：医保平台 %(platform)s 元，本对账单 %(ours)s 元")
                % {"platform": format_money(platform.assistance_total), "ours": format_money(advanced)},
                platform.assistance_total,
                advanced,
            )
        )
    return found


def unresolved_mismatches(statement: HospitalStatement) -> list[Mismatch]:
    found = mismatches(statement)
    if found and sorted(m.key for m in found) == sorted(statement.accepted_mismatches or []):
        return []
    return found
