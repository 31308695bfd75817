"""Import of the platform's monthly totals per hospital (3201-style 对总账): hospital, month, record count,
medical-assistance amount (maf_pay). CSV or XLSX, the product's Chinese headers or the platform's field
names. All or nothing: one wrong row and nothing is stored, every wrong row reported. Importing the same
figures again changes nothing; a month already cleared keeps the figures it was approved on.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from claimants import roles
from claimants.imports import read_table
from claimants.models import User
from core.errors import DomainError
from core.regions import in_region
from finance.clearing import parse_month
from finance.errors import ClearingError, PlatformImportError
from finance.models import CLEARED_STATES, HospitalStatement, PlatformTotal
from settlements.models import Hospital
from settlements.money import MAX_BILL_AMOUNT

IMPORTERS = {roles.FINANCE}
COLUMNS = {
    "hospital": ("医疗机构编码", "机构编码", "定点医药机构编号", "fixmedins_code", "hospital"),
    "month": ("月份", "清算月份", "结算月份", "month"),
    "record_count": ("结算笔数", "笔数", "record_count"),
    "assistance_total": ("医疗救助基金支付金额", "医疗救助金额", "maf_pay", "assistance_total"),
}
HEADER_ROWS = 10
# The largest month total the import believes: a hospital's month, not a single bill.
MAX_MONTH_TOTAL = MAX_BILL_AMOUNT * 100


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's line number
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


class PlatformImportRefused(DomainError):
    """Refused as a whole; ``errors`` lists every wrong row."""

    def __init__(self, code, errors: list[RowError] | None = None, **params):
        super().__init__(code, **params)
        self.errors = errors or []


def _header(table: list[list[str]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(table[:HEADER_ROWS]):
        cells = [cell.strip().lower() for cell in row]
        found = {}
        for name, aliases in COLUMNS.items():
            for alias in aliases:
                if alias.lower() in cells:
                    found[name] = cells.index(alias.lower())
                    break
        if len(found) == len(COLUMNS):
            return index, found
        if found:
            missing = [COLUMNS[name][0] for name in COLUMNS if name not in found]
            raise PlatformImportRefused(PlatformImportError.MISSING_COLUMNS, columns="、".join(missing))
    raise PlatformImportRefused(
        PlatformImportError.MISSING_COLUMNS, columns="、".join(aliases[0] for aliases in COLUMNS.values())
    )


def _month(raw: str) -> dt.date | None:
    raw = raw.strip()
    if len(raw) == 6 and raw.isdigit():  # the platform writes 202611
        raw = f"{raw[:4]}-{raw[4:]}"
    if len(raw) == 10 and raw[7] == "-":  # a date cell of the month's first day
        raw = raw[:7]
    return parse_month(raw)


def _amount(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_MONTH_TOTAL or value.as_tuple().exponent < -2:
        return None
    return value.quantize(Decimal("0.01"))


def _rows(table, by: User) -> tuple[list[tuple[Hospital, dt.date, int, Decimal]], list[RowError]]:
    start, columns = _header(table)
    hospitals = {
        h.code: h
        for h in Hospital.objects.filter(
            code__in={
                row[columns["hospital"]] for row in table[start + 1 :] if len(row) > columns["hospital"]
            }
        )
    }
    cleared = set(
        HospitalStatement.objects.filter(
            hospital__in=hospitals.values(), state__in=CLEARED_STATES
        ).values_list("hospital_id", "month")
    )
    rows, errors, seen = [], [], {}
    for index, row in enumerate(table[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {name: (row[i] if i < len(row) else "").strip() for name, i in columns.items()}
        problems = []
        hospital = hospitals.get(cell["hospital"])
        if hospital is None:
            problems.append(
                ("hospital", _("未知的医疗机构编码：%(code)s") % {"code": cell["hospital"] or "—"})
            )
        elif not in_region(hospital.region_id, by):
            problems.append(("hospital", str(ClearingError.NOT_IN_REGION.label)))
        month = _month(cell["month"])
        if month is None:
            problems.append(
                ("month", _("月份应写作 2026-11 或 202611：%(value)s") % {"value": cell["month"] or "—"})
            )
        count = (
            int(cell["record_count"])
            if cell["record_count"].isascii() and cell["record_count"].isdigit()
            else None
        )
        if count is None or count > 10_000_000:
            problems.append(
                (
                    "record_count",
                    _("结算笔数应为非负整数：%(value)s") % {"value": cell["record_count"] or "—"},
                )
            )
        amount = _amount(cell["assistance_total"])
        if amount is None:
            problems.append(
                (
                    "assistance_total",
                    _("金额应为非负数，最多两位小数：%(value)s") % {"value": cell["assistance_total"] or "—"},
                )
            )
        if hospital is not None and month is not None:
            key = (hospital.pk, month)
            if key in seen:
                problems.append(("month", _("与第 %(row)s 行重复") % {"row": seen[key]}))
            seen.setdefault(key, index)
            if key in cleared:
                problems.append(("month", _("该月已清算，对总账不能再更改")))
        if problems:
            errors.extend(RowError(index, COLUMNS[name][0], message) for name, message in problems)
        else:
            rows.append((hospital, month, count, amount))
    return rows, errors


@transaction.atomic
def import_platform_totals(*, file_name: str, content: bytes, by: User) -> ImportResult:
    """Store the file's totals, or nothing: ``PlatformImportRefused`` names every wrong row."""
    if not roles.has_role(by, IMPORTERS):
        raise DomainError(ClearingError.NOT_ALLOWED)
    table = read_table(file_name, content)
    rows, errors = _rows(table, by)
    if errors:
        raise PlatformImportRefused(
            PlatformImportError.ROW_ERRORS, errors=errors, count=len({e.row for e in errors})
        )
    if not rows:
        raise PlatformImportRefused(PlatformImportError.NO_ROWS)
    result = ImportResult()
    for hospital, month, count, amount in rows:
        existing = PlatformTotal.objects.select_for_update().filter(hospital=hospital, month=month).first()
        if existing is None:
            PlatformTotal.objects.create(
                hospital=hospital,
                month=month,
                record_count=count,
                assistance_total=amount,
                file_name=file_name[:200],
                imported_by=by,
            )
            result.created += 1
        elif (existing.record_count, existing.assistance_total) == (count, amount):
            result.unchanged += 1
        else:
            existing.record_count, existing.assistance_total = count, amount
            existing.file_name, existing.imported_by = file_name[:200], by
            existing.save()
            result.updated += 1
    return result
