"""A platform record as the checks read it (``Parsed``), and the fast path of the row checks: the checks of
``VisitRows._clean_row`` for a row that passes them all."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from claimants import idnumbers, validators
from claimants.imports import Row, parse_date
from claimants.models import InsuranceScheme
from settlements.models import Referral
from settlements.money import MAX_BILL_AMOUNT
from settlements.visit_import.fields import (
    INSUTYPES,
    MONEY_NAMES,
    REFERRALS,
    TOLERANCE,
    ZERO,
    _money,
    visit_type_of,
)


def given_critical(scheme: str | None, resident: Decimal | None, employee: Decimal | None) -> Decimal | None:
    """Clarification 24: an employee visit's 大病 tier is the 职工大额 the platform paid (hifob_pay, ``employee``);
    a resident visit's (or one whose scheme is not known yet) the resident 大病 (hifmi_pay, ``resident``); None
    when the platform gave none (computed at settlement)."""
    return employee if scheme == InsuranceScheme.EMPLOYEE else resident


@dataclass(slots=True)
class Parsed:
    """What the checks of a row read from its cells, as the rest of the validation and the write take it:
    a tenth of the memory of the row's cells and of a dict of these values (a file holds 100,000 rows)."""

    settlement_ref: str
    name: str
    id_number: str
    visit_type: str
    referral: str
    admitted: dt.date
    discharged: dt.date
    insurance_scheme: str | None  # None: the platform did not say (the person's registered scheme)
    total_cost: Decimal
    policy_scope_cost: Decimal
    basic_insurance_paid: Decimal
    critical_illness_paid: Decimal | None
    supplementary_paid: Decimal
    other_insurance_paid: Decimal
    fully_self_paid: Decimal
    assistance_paid_at_hospital: Decimal
    resident_critical: Decimal | None  # hifmi_pay, when given
    employee_critical: Decimal | None  # hifob_pay, when given
    hukou: str  # the places of a person not yet known: division codes, or ""
    insured: str
    facts: idnumbers.IdNumberFacts | None = None  # the ID number's, when the fast path parsed it (shared)

    def critical_for(self, scheme: str) -> Decimal | None:
        """The 大病 tier the platform gave for a visit of ``scheme`` (``given_critical``)."""
        return given_critical(scheme, self.resident_critical, self.employee_critical)


# The cells the fast path reads, in this order (``_FastChecks.pick``): a column the file lacks reads as "".
FAST_FIELDS = (
    "setl_id", "certno", "psn_name", "med_type", "admitted", "setl_time", "referral", "insutype",
    "hukou_admdvs", "insuplc_admdvs", "refd_setl_flag", "vali_flag", *MONEY_NAMES,
)  # fmt: skip


class _Parses(dict):
    """A file's parses of one kind of cell: a raw cell's value, parsed on its first look-up only."""

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[str], object]):
        super().__init__()
        self.parse = parse

    def __missing__(self, raw: str):
        value = self[raw] = self.parse(raw)
        return value


class _FastChecks:
    """The checks of ``_clean_row`` for a row that passes them all, on parses cached per file (ID numbers,
    dates, amounts and visit types repeat across a file's rows), reading the row's cells by position.
    ``row`` returns the row as ``_clean_row`` would leave it (what it says in ``Row.checked``), or None for
    any row it does not accept outright: a refusal, a warning or anything unusual is left to
    ``_clean_row``, so that the words of every refusal come from one place. It runs as each row is read
    (``VisitRows.reading``)."""

    def __init__(self, today: dt.date, positions: dict[str, int]):
        self.earliest, self.latest = validators.EARLIEST_DATE, min(validators.LATEST_DATE, today)
        self.ids = _Parses(self.id_number)
        self.amounts = _Parses(self.amount)
        self.bad_amounts: set[str] = set()
        self.dates = _Parses(self.date)
        self.types = _Parses(self.visit_type)
        self.referrals = _Parses(self.referral)
        self.schemes = _Parses(self.scheme)
        # One look-up of every cell read, a missing column at the blank cell appended to each row.
        self.pick = itemgetter(*(positions.get(name, -1) for name in FAST_FIELDS))

    @staticmethod
    def id_number(raw: str) -> idnumbers.IdNumberFacts | None:
        try:
            return idnumbers.parse(raw, allow_legacy=True)
        except idnumbers.InvalidIdNumber:
            return None

    def amount(self, raw: str) -> Decimal | None:
        """A money cell between 0 and ``MAX_BILL_AMOUNT`` (a blank one is 0), else None (in ``bad_amounts``)."""
        try:
            value: Decimal | None = _money(raw)
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not ZERO <= value <= MAX_BILL_AMOUNT:
            self.bad_amounts.add(raw)
            return None
        return value

    def date(self, raw: str) -> dt.date | None:
        """A date (a cell's first ten characters) within the range ``check_date`` accepts, else None."""
        try:
            day = parse_date(raw.strip()[:10])
        except ValueError:
            return None
        return day if self.earliest <= day <= self.latest else None

    @staticmethod
    def visit_type(raw: str) -> str | None:
        return visit_type_of(raw.strip())

    @staticmethod
    def referral(raw: str) -> str | None:
        referral = raw.strip() or Referral.NOT_REQUIRED
        referral = REFERRALS.get(referral, referral)
        return referral if referral in Referral.values else None

    @staticmethod
    def scheme(raw: str) -> str | None:
        """The visit's scheme; "" for a code not known (refused), None when the file does not say."""
        code = raw.strip()
        return (INSUTYPES.get(code) or "") if code else None

    def row(self, cells: list[str], line: int) -> Row | None:
        (
            ref, certno, name, med_type, raw_admitted, setl_time, raw_referral, raw_scheme, hukou, insured,
            refund, valid, *money,
        ) = self.pick([*cells, ""])  # fmt: skip
        if refund.strip() == "1" or valid.strip() == "0":
            return None
        ref = ref.strip()
        facts = self.ids[certno]
        visit_type = self.types[med_type]
        referral = self.referrals[raw_referral]
        if not ref or facts is None or visit_type is None or referral is None:
            return None
        discharged = self.dates[setl_time]
        admitted = self.dates[raw_admitted] if raw_admitted.strip() else discharged
        if discharged is None or admitted is None or discharged < admitted:
            return None
        amounts = list(map(self.amounts.__getitem__, money))
        if not self.bad_amounts.isdisjoint(money):  # not ``None in``: comparing a Decimal to None is slow
            return None
        total, scope, basic, hifmi, hifob, other, cvlserv, hifes, fully, fund, part, maf = amounts
        scheme = self.schemes[raw_scheme]
        if scheme == "":
            return None
        resident = hifmi if money[3].strip() else None
        employee = hifob if money[4].strip() else None
        critical = given_critical(scheme, resident, employee)
        supplementary = cvlserv + hifes
        if scope > total or basic > scope or supplementary > MAX_BILL_AMOUNT:
            return None
        rest = scope - basic
        if (critical is not None and critical > rest) or supplementary > rest - (critical or ZERO):
            return None
        if money[9].strip() and money[10].strip() and abs(total - fund - part) > TOLERANCE:
            return None  # the warning is worded by ``_clean_row``
        # Positional, in ``Parsed``'s order (a tenth of a file's reading went to keyword arguments).
        parsed = Parsed(
            ref, name.strip(), facts.number, visit_type, referral, admitted, discharged, scheme,
            total, scope, basic, critical, supplementary, other, fully, maf, resident, employee,
            hukou.strip(), insured.strip(), facts,
        )  # fmt: skip
        return Row(line=line, values={}, checked=parsed)
