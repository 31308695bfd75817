"""A platform record as the checks read it (``Parsed``), and the fast path of the row checks: the checks of
``VisitRows._clean_row`` for a row that passes them all."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from claimants import idnumbers, validators
from claimants.imports import (
    Row,
    parse_date,
)
from claimants.models import InsuranceScheme
from settlements.models import Referral, VisitType
from settlements.money import MAX_BILL_AMOUNT
from settlements.visit_import.fields import (
    INSUTYPES,
    MED_TYPES,
    MONEY_NAMES,
    REFERRALS,
    TOLERANCE,
    VISIT_TYPES,
    ZERO,
    _money,
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


class _FastChecks:
    """The checks of ``_clean_row`` for a row that passes them all, on parses cached per file (ID numbers,
    dates and visit types repeat across a file's rows). ``clean`` returns what ``_clean_row`` would make of
    the row, or None for any row it does not accept outright: a refusal, a warning or anything unusual is
    left to ``_clean_row``, so that the words of every refusal come from one place. It runs as each row is
    read (``VisitRows.reading``)."""

    def __init__(self, today: dt.date):
        self.earliest, self.latest = validators.EARLIEST_DATE, min(validators.LATEST_DATE, today)
        self.ids: dict[str, str | None] = {}
        self.facts: dict[str, idnumbers.IdNumberFacts] = {}  # by the number as stored
        self.amounts: dict[str, Decimal | None] = {}
        self.dates: dict[str, dt.date | None] = {}
        self.types: dict[str, str | None] = {}
        self.referral_values = set(Referral.values)

    def id_number(self, raw: str) -> str | None:
        if raw not in self.ids:
            try:
                facts = idnumbers.parse(raw, allow_legacy=True)
            except idnumbers.InvalidIdNumber:
                self.ids[raw] = None
            else:
                self.ids[raw] = facts.number
                self.facts[facts.number] = facts
        return self.ids[raw]

    def amount(self, raw: str) -> Decimal | None:
        """A money cell between 0 and ``MAX_BILL_AMOUNT``, else None (amounts repeat across a file too)."""
        if raw not in self.amounts:
            try:
                value: Decimal | None = _money(raw)
            except (InvalidOperation, ValueError):
                value = None
            self.amounts[raw] = value if value is not None and ZERO <= value <= MAX_BILL_AMOUNT else None
        return self.amounts[raw]

    def date(self, raw: str) -> dt.date | None:
        """A date within the range ``check_date`` accepts for both visit dates, else None."""
        if raw not in self.dates:
            try:
                day: dt.date | None = parse_date(raw)
            except ValueError:
                day = None
            self.dates[raw] = day if day is not None and self.earliest <= day <= self.latest else None
        return self.dates[raw]

    def visit_type(self, med_type: str) -> str | None:
        if med_type not in self.types:
            visit_type = VISIT_TYPES.get(med_type) or MED_TYPES.get(med_type)
            if visit_type is None and len(med_type) >= 2 and med_type[0] == "2" and med_type.isdigit():
                visit_type = VisitType.INPATIENT
            self.types[med_type] = visit_type
        return self.types[med_type]

    def clean(self, row: Row) -> Parsed | None:
        values = row.values
        get = values.get
        if get("refd_setl_flag", "").strip() == "1" or get("vali_flag", "").strip() == "0":
            return None
        ref = values["setl_id"].strip()
        number = self.id_number(values["certno"])
        visit_type = self.visit_type(values["med_type"].strip())
        if not ref or number is None or visit_type is None:
            return None
        referral = get("referral", "").strip() or Referral.NOT_REQUIRED
        referral = REFERRALS.get(referral, referral)
        discharged = self.date(values["setl_time"].strip()[:10])
        raw_admitted = get("admitted", "").strip()
        admitted = self.date(raw_admitted[:10]) if raw_admitted else discharged
        if referral not in self.referral_values or discharged is None or admitted is None:
            return None
        if discharged < admitted:
            return None
        amounts = {}
        for name in MONEY_NAMES:
            raw = get(name, "")
            if raw:
                value = self.amount(raw)
                if value is None:
                    return None
                amounts[name] = value
            else:
                amounts[name] = ZERO
        raw_scheme = get("insutype", "").strip()
        scheme = INSUTYPES.get(raw_scheme) if raw_scheme else None
        if raw_scheme and scheme is None:
            return None
        resident = amounts["hifmi_pay"] if get("hifmi_pay", "").strip() else None
        employee = amounts["hifob_pay"] if get("hifob_pay", "").strip() else None
        critical = given_critical(scheme, resident, employee)
        total, scope = amounts["total_cost"], amounts["policy_scope_cost"]
        basic = amounts["basic_insurance_paid"]
        supplementary = amounts["cvlserv_pay"] + amounts["hifes_pay"]
        if scope > total or basic > scope or supplementary > MAX_BILL_AMOUNT:
            return None
        rest = scope - basic
        if (critical is not None and critical > rest) or supplementary > rest - (critical or ZERO):
            return None
        parts = get("fund_pay_sumamt", "").strip() and get("psn_part_amt", "").strip()
        if parts and abs(total - amounts["fund_pay_sumamt"] - amounts["psn_part_amt"]) > TOLERANCE:
            return None  # the warning is worded by ``_clean_row``
        return Parsed(
            settlement_ref=ref,
            name=get("psn_name", "").strip(),
            id_number=number,
            visit_type=visit_type,
            referral=referral,
            admitted=admitted,
            discharged=discharged,
            insurance_scheme=scheme,
            total_cost=total,
            policy_scope_cost=scope,
            basic_insurance_paid=basic,
            critical_illness_paid=critical,
            supplementary_paid=supplementary,
            other_insurance_paid=amounts["oth_pay"],
            fully_self_paid=amounts["fully_self_paid"],
            assistance_paid_at_hospital=amounts["maf_pay"],
            resident_critical=resident,
            employee_critical=employee,
            hukou=get("hukou_admdvs", "").strip(),
            insured=get("insuplc_admdvs", "").strip(),
            facts=self.facts[number],
        )
