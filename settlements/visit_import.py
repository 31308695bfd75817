"""Bulk import of visits (就医记录) from settlement records of the medical-insurance platform.

Same staged import as certifications (``claimants.imports``, docs/imports.md). Columns are accepted under
the product's own names, the platform's ``setlinfo`` field names and the Chinese headers of a county
export (OPERATIONS.md 3). ``setl_id`` is the visit's unique key: a row whose ``setl_id`` is stored already
is unchanged, so re-importing a file creates nothing. ``maf_pay`` (assistance the hospital already paid at
one-stop settlement) is kept on the visit; its settlement then owes only the difference. Each visit
created links to its import batch. Refund and invalid records
(``refd_setl_flag`` = 1, ``vali_flag`` = 0) are skipped with a warning. Every check of a visit entered by
hand applies per row (``services.check_visit_values`` and the policy year of the discharge year).
Validation is set-based: one query for the persons, one for the stored ``setl_id``s, one for the policy
years. A row that passes every check takes a fast path (``_FastChecks``, the same checks on cached parses);
any row it cannot accept goes through ``_clean_row``, which words every refusal.

The validated rows are kept at staging as cells of the rows to write, with a digest of what the validation
read (``Basis``); the commit reuses them while that is unchanged. On PostgreSQL the commit is set-based
(docs/monitoring.md, "Import of platform records"): the cells are copied into a temporary table, then one ``INSERT … SELECT``
creates the registry entries of the people not yet known (``ON CONFLICT`` on the ID number does nothing) and
one the visits (``ON CONFLICT`` on ``setl_id`` does nothing), in the commit's transaction. Elsewhere (the
SQLite demo) the same rows go through ``bulk_insert``. ``IMPORT_FOLLOWERS`` (the monitoring app's person-year
totals) then add the batch's visits in the same transaction.
"""

import datetime as dt
import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from claimants import idnumbers, validators
from claimants.errors import ClaimantError
from claimants.hooks import Hook
from claimants.imports import (
    AnyOf,
    Basis,
    Column,
    Row,
    RowSpec,
    WriteResult,
    _copy_history,
    bulk_insert,
    outside_region,
    parse_date,
)
from claimants.models import Claimant, ImportBatch, InsuranceScheme, Region, User
from settlements.errors import DomainError, VisitError
from settlements.models import PolicyYear, Referral, Visit, VisitType
from settlements.money import MAX_BILL_AMOUNT
from settlements.services import check_visit_values

# Functions of higher layers that keep figures derived from the visits (the monitoring app's person-year
# totals): ``follower(batch)``, called by ``write`` inside the commit's transaction once the batch's visits are
# stored (``Visit.import_batch``), so that they add them set-based.
IMPORT_FOLLOWERS = Hook("visit import followers")

KIND = "visits"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CHUNK = 5000
TOLERANCE = Decimal("0.05")

MED_TYPES = {"11": VisitType.OUTPATIENT_GENERAL, "13": VisitType.OUTPATIENT_GENERAL}
MED_TYPES |= {"41": VisitType.OUTPATIENT_GENERAL, "14": VisitType.OUTPATIENT_CHRONIC_SPECIAL}
VISIT_TYPES = {**{v: v for v in VisitType.values}, **{str(c.label): c.value for c in VisitType}}
REFERRALS = {**{v: v for v in Referral.values}, **{str(c.label): c.value for c in Referral}}
# Money columns: field -> headers. The sums of several platform fields make one product amount.
MONEY_COLUMNS = (
    ("total_cost", ("医疗费总额", "medfee_sumamt", "total_cost", "医疗总费用")),
    ("policy_scope_cost", ("符合政策范围金额", "inscp_scp_amt", "policy_scope_cost", "政策范围内费用")),
    (
        "basic_insurance_paid",
        ("基本医疗保险统筹基金支出", "hifp_pay", "basic_insurance_paid", "统筹基金支付"),
    ),
    ("hifmi_pay", ("居民大病保险资金支出", "hifmi_pay", "critical_illness_paid", "大病保险支付")),
    ("hifob_pay", ("职工大额医疗费用补助基金支出", "hifob_pay")),
    ("oth_pay", ("其他支出", "oth_pay", "other_insurance_paid", "其他补充保险支付")),
    ("cvlserv_pay", ("公务员医疗补助资金支出", "cvlserv_pay")),
    ("hifes_pay", ("企业补充医疗保险基金支出", "hifes_pay")),
    ("fully_self_paid", ("全自费金额", "fulamt_ownpay_amt", "fully_self_paid")),
    ("fund_pay_sumamt", ("基金支付总额", "fund_pay_sumamt")),
    ("psn_part_amt", ("个人负担总金额", "psn_part_amt")),
    (
        "maf_pay",
        (
            "医疗救助基金支出",
            "maf_pay",
            "assistance_paid_at_hospital",
            "医疗救助资金支出",
            "医院已垫付医疗救助",
        ),
    ),
)
REQUIRED_MONEY = ("total_cost", "policy_scope_cost")
MONEY_NAMES = tuple(name for name, _headers in MONEY_COLUMNS)
# insutype (OPERATIONS.md 3): 310 职工基本医疗保险, 390 城乡居民基本医疗保险; the product's codes and labels too.
INSUTYPES = {
    "310": InsuranceScheme.EMPLOYEE,
    "390": InsuranceScheme.RESIDENT,
    **{value: value for value in InsuranceScheme.values},
    **{str(choice.label): choice.value for choice in InsuranceScheme},
}


def _money(raw: str) -> Decimal:
    value = Decimal(raw.replace(",", "").strip() or "0")
    if not value.is_finite():
        raise InvalidOperation(raw)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class VisitRows(RowSpec):
    kind = KIND
    label = "就医记录"
    kept_fields = ("cells",)
    columns = (
        Column(
            "setl_id",
            ("结算ID", "setl_id", "医保结算ID", "settlement_ref"),
            max_length=Visit._meta.get_field("settlement_ref").max_length,
        ),
        Column("certno", ("身份证号", "certno", "证件号码", "公民身份号码", "id_number")),
        Column(
            "psn_name",
            ("姓名", "psn_name", "name"),
            required=False,
            max_length=Claimant._meta.get_field("name").max_length,
        ),
        Column("med_type", ("医疗类别", "med_type", "就诊类型", "visit_type")),
        Column("admitted", ("入院日期", "begndate", "admitted", "就诊日期"), required=False),
        Column("setl_time", ("结算时间", "setl_time", "出院日期", "discharged")),
        Column("referral", ("转诊", "referral"), required=False),
        Column("insutype", ("险种类型", "insutype", "insurance_scheme", "就诊参保类型"), required=False),
        # Where a person not yet known lives and is insured (OPERATIONS.md 3; Clarification 26): division codes.
        Column("hukou_admdvs", ("户籍地区划代码", "hukou_admdvs", "户籍区划"), required=False),
        Column("insuplc_admdvs", ("参保地区划代码", "insuplc_admdvs", "参保区划"), required=False),
        *(Column(name, headers, required=name in REQUIRED_MONEY) for name, headers in MONEY_COLUMNS),
        Column("refd_setl_flag", ("退费结算标志", "refd_setl_flag"), required=False),
        Column("vali_flag", ("有效标志", "vali_flag"), required=False),
    )

    def describe(self, row: Row) -> str:
        number = row.data.get("id_number") or row.values.get("certno", "")
        name = row.values.get("psn_name", "")
        return f"{row.values.get('setl_id', '')} {name} {idnumbers.mask(number)}".strip()

    def validate(self, rows: list[Row], *, by: User) -> Basis:
        fast = _FastChecks(timezone.localdate())
        for row in rows:
            if not row.errors and not fast.clean(row):
                row.data = {}
                self._clean_row(row)  # the full checks, which word the refusal
        live = [r for r in rows if not r.errors and not r.unchanged]
        numbers = sorted({r.data["id_number"] for r in live})
        refs = sorted({r.data["settlement_ref"] for r in live})
        people = _people(numbers)
        unknown = {r.data["id_number"] for r in live} - set(people)
        codes = sorted(
            {
                code
                for row in live
                if row.data["id_number"] in unknown
                for code in (row.values.get(c, "").strip() for c in ("hukou_admdvs", "insuplc_admdvs"))
                if code
            }
        )
        stored, years, places = _stored(refs), _policy_years(), _places(codes)
        keys = {"numbers": numbers, "refs": refs, "codes": codes}
        basis = Basis(keys=keys, digest=_digest(people, stored, years, places, by=by))
        seen: dict[str, int] = {}
        for row in live:
            data = row.data
            person = people.get(data["id_number"])
            if person is None:
                person = _new_person(row, places, by=by, facts=fast.facts.get(data["id_number"]))
                if person is None:
                    continue
                people[data["id_number"]] = person
            if not person["hukou_region_id"].startswith(by.region_id):
                row.errors.append(outside_region())  # the same whether registered elsewhere or nowhere
                continue
            if data["name"] and data["name"] != person["name"]:
                row.errors.append(_("姓名与已登记的不一致：%(name)s") % {"name": person["name"]})
            jurisdiction = person["hukou_region__jurisdiction"]
            if (jurisdiction, data["discharged"].year) not in years:
                row.errors.append(_("%(year)s 年没有政策年度参数") % {"year": data["discharged"].year})
            ref = data["settlement_ref"]
            if ref in seen:
                row.errors.append(_("结算ID与第 %(line)s 行重复") % {"line": seen[ref]})
            seen.setdefault(ref, row.line)
            if ref in stored and not row.errors:
                row.unchanged = True
            data["claimant_id"] = person["id"]  # None: created by ``write`` from ``person``
            data["person"] = person
            if data["insurance_scheme"] is None:  # the platform did not say: the person's registered scheme
                data["insurance_scheme"] = person["scheme"]
                data["critical_illness_paid"] = data["given_critical"][person["scheme"]]
            data["cells"] = _cells(data, person)
        return basis

    def basis(self, keys: dict, *, by: User) -> str:
        people = _people(keys["numbers"])
        return _digest(people, _stored(keys["refs"]), _policy_years(), _places(keys["codes"]), by=by)

    def _clean_row(self, row: Row) -> None:
        values, data = row.values, row.data
        if row.errors:
            return
        if values.get("refd_setl_flag", "").strip() == "1" or values.get("vali_flag", "").strip() == "0":
            row.warnings.append(_("退费或无效的结算记录，跳过"))
            row.unchanged = True
            return
        data["settlement_ref"] = values["setl_id"].strip()
        if not data["settlement_ref"]:
            row.errors.append(_("结算ID为空"))
        data["name"] = values.get("psn_name", "").strip()
        try:
            data["id_number"] = idnumbers.parse(values["certno"], allow_legacy=True).number
        except idnumbers.InvalidIdNumber as exc:
            row.errors.append(str(exc))
        med_type = values["med_type"].strip()
        visit_type = VISIT_TYPES.get(med_type) or MED_TYPES.get(med_type)
        if visit_type is None and len(med_type) >= 2 and med_type[0] == "2" and med_type.isdigit():
            visit_type = VisitType.INPATIENT
        if visit_type is None:
            row.errors.append(_("未知的医疗类别：%(value)s") % {"value": med_type})
        data["visit_type"] = visit_type
        referral = values.get("referral", "").strip() or Referral.NOT_REQUIRED
        data["referral"] = REFERRALS.get(referral, referral)
        try:
            data["discharged"] = parse_date(values["setl_time"].strip()[:10])
        except ValueError:
            row.errors.append(_("结算时间不是日期：%(value)s") % {"value": values["setl_time"]})
        raw_admitted = values.get("admitted", "").strip()
        try:
            data["admitted"] = parse_date(raw_admitted[:10]) if raw_admitted else data.get("discharged")
        except ValueError:
            row.errors.append(_("入院日期不是日期：%(value)s") % {"value": raw_admitted})
        amounts = {}
        for name, headers in MONEY_COLUMNS:
            raw = values.get(name, "")
            try:
                amounts[name] = _money(raw)
            except (InvalidOperation, ValueError):
                row.errors.append(_("%(column)s 不是金额：%(value)s") % {"column": headers[0], "value": raw})
                continue
            if amounts[name] < 0:  # each platform field, before several are summed into one amount
                row.errors.append(DomainError(VisitError.NEGATIVE_AMOUNT, field=headers[0]).message)
        if row.errors:
            return
        raw_scheme = values.get("insutype", "").strip()
        data["insurance_scheme"] = INSUTYPES.get(raw_scheme) if raw_scheme else None  # None: as registered
        if raw_scheme and data["insurance_scheme"] is None:
            row.errors.append(DomainError(VisitError.UNKNOWN_INSURANCE_SCHEME, value=raw_scheme).message)
            return
        # Clarification 24: an employee visit's 大病 tier is the 职工大额 the platform paid (hifob_pay) or 0;
        # a resident visit's is the resident 大病 (hifmi_pay), or computed when the platform gave none.
        data["given_critical"] = {
            scheme: amounts[name] if values.get(name, "").strip() else None
            for scheme, name in (
                (InsuranceScheme.RESIDENT, "hifmi_pay"),
                (InsuranceScheme.EMPLOYEE, "hifob_pay"),
            )
        }
        critical = data["given_critical"][data["insurance_scheme"] or InsuranceScheme.RESIDENT]
        data.update(
            total_cost=amounts["total_cost"],
            policy_scope_cost=amounts["policy_scope_cost"],
            basic_insurance_paid=amounts["basic_insurance_paid"],
            critical_illness_paid=critical,
            # Clarification 23: 公务员医疗补助 and 企业补充医疗保险 pay before assistance, commercial after it.
            supplementary_paid=amounts["cvlserv_pay"] + amounts["hifes_pay"],
            other_insurance_paid=amounts["oth_pay"],
            fully_self_paid=amounts["fully_self_paid"],
            assistance_paid_at_hospital=amounts["maf_pay"],
        )
        try:
            check_visit_values(
                **{
                    k: data[k]
                    for k in (
                        "visit_type",
                        "referral",
                        "admitted",
                        "discharged",
                        "total_cost",
                        "policy_scope_cost",
                        "basic_insurance_paid",
                        "fully_self_paid",
                        "critical_illness_paid",
                        "other_insurance_paid",
                        "assistance_paid_at_hospital",
                        "supplementary_paid",
                    )
                }
            )
        except DomainError as exc:
            row.errors.append(exc.message)
        if values.get("fund_pay_sumamt", "").strip() and values.get("psn_part_amt", "").strip():
            parts = amounts["fund_pay_sumamt"] + amounts["psn_part_amt"]
            if abs(amounts["total_cost"] - parts) > TOLERANCE:
                row.warnings.append(
                    _("医疗费总额 %(total)s 与基金支付总额加个人负担 %(parts)s 不符")
                    % {"total": amounts["total_cost"], "parts": parts}
                )

    def write(self, rows: list[Row], *, batch: ImportBatch, by: User) -> WriteResult:
        lines = [row.data["cells"] for row in rows]
        if not lines:
            return WriteResult(rows_created=0)
        if connection.vendor == "postgresql":
            visits, persons = _write_set_based(lines, batch)
        else:
            visits, persons = _write_rows(lines, batch)
        if visits:
            IMPORT_FOLLOWERS.call(batch)
        return WriteResult(rows_created=visits, persons_created=persons)


class _FastChecks:
    """The checks of ``_clean_row`` for a row that passes them all, on parses cached per file (ID numbers,
    dates and visit types repeat across a file's rows). ``clean`` fills the row's data as ``_clean_row`` would
    and returns True, or returns False for any row it does not accept outright: a refusal, a warning or
    anything unusual is left to ``_clean_row``, so that the words of every refusal come from one place."""

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

    def clean(self, row: Row) -> bool:
        values = row.values
        get = values.get
        if get("refd_setl_flag", "").strip() == "1" or get("vali_flag", "").strip() == "0":
            return False
        ref = values["setl_id"].strip()
        number = self.id_number(values["certno"])
        visit_type = self.visit_type(values["med_type"].strip())
        if not ref or number is None or visit_type is None:
            return False
        referral = get("referral", "").strip() or Referral.NOT_REQUIRED
        referral = REFERRALS.get(referral, referral)
        discharged = self.date(values["setl_time"].strip()[:10])
        raw_admitted = get("admitted", "").strip()
        admitted = self.date(raw_admitted[:10]) if raw_admitted else discharged
        if referral not in self.referral_values or discharged is None or admitted is None:
            return False
        if discharged < admitted:
            return False
        amounts = {}
        for name in MONEY_NAMES:
            raw = get(name, "")
            if raw:
                value = self.amount(raw)
                if value is None:
                    return False
                amounts[name] = value
            else:
                amounts[name] = ZERO
        raw_scheme = get("insutype", "").strip()
        scheme = INSUTYPES.get(raw_scheme) if raw_scheme else None
        if raw_scheme and scheme is None:
            return False
        given = {
            InsuranceScheme.RESIDENT: amounts["hifmi_pay"] if get("hifmi_pay", "").strip() else None,
            InsuranceScheme.EMPLOYEE: amounts["hifob_pay"] if get("hifob_pay", "").strip() else None,
        }
        critical = given[scheme or InsuranceScheme.RESIDENT]
        total, scope = amounts["total_cost"], amounts["policy_scope_cost"]
        basic = amounts["basic_insurance_paid"]
        supplementary = amounts["cvlserv_pay"] + amounts["hifes_pay"]
        if scope > total or basic > scope or supplementary > MAX_BILL_AMOUNT:
            return False
        rest = scope - basic
        if (critical is not None and critical > rest) or supplementary > rest - (critical or ZERO):
            return False
        parts = get("fund_pay_sumamt", "").strip() and get("psn_part_amt", "").strip()
        if parts and abs(total - amounts["fund_pay_sumamt"] - amounts["psn_part_amt"]) > TOLERANCE:
            return False  # the warning is worded by ``_clean_row``
        row.data = {
            "settlement_ref": ref,
            "name": get("psn_name", "").strip(),
            "id_number": number,
            "visit_type": visit_type,
            "referral": referral,
            "discharged": discharged,
            "admitted": admitted,
            "insurance_scheme": scheme,
            "given_critical": given,
            "total_cost": total,
            "policy_scope_cost": scope,
            "basic_insurance_paid": basic,
            "critical_illness_paid": critical,
            "supplementary_paid": supplementary,
            "other_insurance_paid": amounts["oth_pay"],
            "fully_self_paid": amounts["fully_self_paid"],
            "assistance_paid_at_hospital": amounts["maf_pay"],
        }
        return True


# What a validation reads besides the file, one query each (PostgreSQL: any number of keys as one array
# parameter; elsewhere in chunks of ``CHUNK``).
def _chunks(values: list[str]) -> list[list[str]]:
    if connection.vendor == "postgresql":
        return [values] if values else []
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _among(queryset, field: str, values: list[str]):
    if connection.vendor == "postgresql":
        return queryset.filter(AnyOf(field, values))
    return queryset.filter(**{f"{field}__in": values})


def _people(numbers: list[str]) -> dict[str, dict]:
    fields = ("id", "id_number", "name", "hukou_region_id", "hukou_region__jurisdiction", "scheme")
    return {
        person["id_number"]: person
        for chunk in _chunks(numbers)
        for person in _among(Claimant.objects.all(), "id_number", chunk).values(*fields)
    }


def _stored(refs: list[str]) -> set[str]:
    return {
        ref
        for chunk in _chunks(refs)
        for ref in _among(Visit.objects.all(), "settlement_ref", chunk).values_list(
            "settlement_ref", flat=True
        )
    }


def _policy_years() -> set[tuple[str, int]]:
    return set(PolicyYear.objects.values_list("jurisdiction", "year"))


def _places(codes: list[str]) -> dict[str, Region]:
    """The regions named by the rows of people not yet known (hukou and insured place), in one query."""
    levels = (Region.Level.COUNTY, Region.Level.TOWNSHIP)
    return {region.code: region for region in Region.objects.filter(code__in=codes, level__in=levels)}


def _digest(people: dict, stored: set, years: set, places: dict, *, by: User) -> str:
    """What the outcome of a validation depends on besides the file: the people, the ``setl_id``s stored, the
    policy years, the places of new people, the user's region and the day (no visit date after today)."""
    read = [
        sorted(tuple(map(str, person.values())) for person in people.values()),
        sorted(stored),
        sorted(years),
        sorted((r.code, r.level, r.jurisdiction) for r in places.values()),
        by.region_id,
        timezone.localdate().isoformat(),
    ]
    return hashlib.sha256(json.dumps(read, ensure_ascii=False).encode()).hexdigest()


# The cells kept for a row to write, in this order, with their type in the temporary table: the person (all
# but the key and ID number only for a person not yet known), then the visit.
CELLS = (
    ("claimant_id", "bigint"),
    ("id_number", "text"),
    ("name", "text"),
    ("sex", "text"),
    ("birth_date", "date"),
    ("hukou_region_id", "text"),
    ("insured_region_id", "text"),
    ("scheme", "text"),
    ("settlement_ref", "text"),
    ("visit_type", "text"),
    ("admitted", "date"),
    ("discharged", "date"),
    ("year", "integer"),
    ("referral", "text"),
    ("total_cost", "numeric"),
    ("policy_scope_cost", "numeric"),
    ("basic_insurance_paid", "numeric"),
    ("critical_illness_paid", "numeric"),
    ("other_insurance_paid", "numeric"),
    ("supplementary_paid", "numeric"),
    ("insurance_scheme", "text"),
    ("fully_self_paid", "numeric"),
    ("assistance_paid_at_hospital", "numeric"),
)
CELL_NAMES = tuple(name for name, _kind in CELLS)
PERSON_CELLS = CELL_NAMES[1:8]
VISIT_CELLS = CELL_NAMES[8:]
# COPY's text format: tab-separated cells, ``\N`` for a missing value, backslash escapes in text.
NULL = "\\N"
ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
ESCAPE_TABLE = str.maketrans(ESCAPES)
UNESCAPE = {value: key for key, value in ESCAPES.items()}
KNOWN_PERSON = (NULL,) * (len(PERSON_CELLS) - 1)


def _text(value: str) -> str:
    """A text cell from the file (a name, a ``setl_id``), escaped for COPY's text format."""
    return (
        value.translate(ESCAPE_TABLE)
        if ("\\" in value or "\t" in value or "\n" in value or "\r" in value)
        else value
    )


def _cells(data: dict, person: dict) -> str:
    """The row to write as one line of COPY's text format (``CELLS`` in order): the temporary table takes it
    as it is, and the staged rows of a batch are these lines."""
    if person["id"] is None:
        new = (
            _text(person["name"]),
            person["sex"],
            person["birth_date"].isoformat(),
            person["hukou_region_id"],
            person["insured_region_id"],
            person["scheme"],
        )
        key = NULL
    else:
        new, key = KNOWN_PERSON, str(person["id"])
    critical, discharged = data["critical_illness_paid"], data["discharged"]
    return (
        "\t".join(
            (
                key,
                person["id_number"],
                *new,
                _text(data["settlement_ref"]),
                data["visit_type"],
                data["admitted"].isoformat(),
                discharged.isoformat(),
                str(discharged.year),
                data["referral"],
                str(data["total_cost"]),
                str(data["policy_scope_cost"]),
                str(data["basic_insurance_paid"]),
                NULL if critical is None else str(critical),
                str(data["other_insurance_paid"]),
                str(data["supplementary_paid"]),
                data["insurance_scheme"],
                str(data["fully_self_paid"]),
                str(data["assistance_paid_at_hospital"]),
            )
        )
        + "\n"
    )


ESCAPED = re.compile(r"\\.")


def _parsed(line: str) -> dict:
    """A staged line back as the typed values of ``CELLS`` (the SQLite demo writes them through the ORM)."""
    row = {}
    for (name, kind), cell in zip(CELLS, line.rstrip("\n").split("\t"), strict=True):
        if cell == NULL:
            row[name] = None
        elif kind == "text":
            row[name] = ESCAPED.sub(lambda match: UNESCAPE[match.group()], cell)
        elif kind == "date":
            row[name] = dt.date.fromisoformat(cell)
        elif kind == "numeric":
            row[name] = Decimal(cell)
        else:
            row[name] = int(cell)
    return row


def _write_rows(lines: list[str], batch: ImportBatch) -> tuple[int, int]:
    """The rows through ``bulk_insert`` (SQLite, the demo): the new people, then the visits."""
    rows = [_parsed(line) for line in lines]
    created = _create_people([row for row in rows if row["claimant_id"] is None])
    visits = [
        {name: row[name] for name in VISIT_CELLS}
        | {
            "claimant_id": row["claimant_id"] or created[row["id_number"]],
            "source": Visit.Source.IMPORT,
            "import_batch_id": batch.pk,
        }
        for row in rows
    ]
    bulk_insert(Visit, visits)
    return len(visits), len(created)


def _insert_select(model, columns: dict[str, str], values: dict, now: dt.datetime) -> tuple[str, str, list]:
    """The column list, select list and parameters of an ``INSERT … SELECT`` into ``model``'s table: the
    columns named in ``columns`` from that SQL, those in ``values`` as parameters, every other one as a
    parameter with the field's default (the time of insertion for an ``auto_now_add`` field)."""
    quote = connection.ops.quote_name
    names, selected, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(quote(field.column))
        if field.attname in columns:
            selected.append(columns[field.attname])
            continue
        selected.append("%s")
        if field.attname in values:
            params.append(values[field.attname])
        else:
            params.append(now if getattr(field, "auto_now_add", False) else field.get_default())
    return ", ".join(names), ", ".join(selected), params


# The visit's person: known at validation, or created just before (one probe of the ID number's unique index).
WORK_MEM = "64MB"
NEW_PERSON_KEY = "COALESCE(s.claimant_id, (SELECT c.id FROM {claimants} c WHERE c.id_number = s.id_number))"


def _write_set_based(lines: list[str], batch: ImportBatch) -> tuple[int, int]:
    """PostgreSQL: COPY the staged lines into a temporary table as they are (one write), then one ``INSERT … SELECT`` for the new people
    (with their "+" history rows, as ``bulk_insert`` writes them) and one for the visits. Table and column
    names come from this module and the models; every value is a parameter or copied."""
    now = timezone.now()
    table = f"visit_import_{batch.pk}"
    claimants, visits_table = Claimant._meta.db_table, Visit._meta.db_table
    person_columns, person_select, person_params = _insert_select(
        Claimant, {name: f"s.{name}" for name in PERSON_CELLS}, {"origin": Claimant.Origin.PLATFORM}, now
    )
    visit_columns, visit_select, visit_params = _insert_select(
        Visit,
        {name: f"s.{name}" for name in VISIT_CELLS}
        | {"claimant_id": NEW_PERSON_KEY.format(claimants=claimants)},
        {"source": Visit.Source.IMPORT, "import_batch_id": batch.pk},
        now,
    )
    persons = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} ({', '.join(f'{n} {k}' for n, k in CELLS)}) ON COMMIT DROP"
        )
        # The sorts of the new people and of the totals stay in memory (4 MB spill 100,000 rows to disk).
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        with cursor.cursor.copy(f"COPY {table} ({', '.join(CELL_NAMES)}) FROM STDIN") as copy:
            copy.write("".join(lines))
        if any(line.startswith(NULL) for line in lines):
            # Each new person once (a file holds several records of a person). A person registered meanwhile
            # by another import is left as stored, and their visits are theirs like the others'.
            cursor.execute(
                f"INSERT INTO {claimants} ({person_columns}) "  # noqa: S608
                f"SELECT DISTINCT ON (s.id_number) {person_select} FROM {table} s "
                "WHERE s.claimant_id IS NULL ORDER BY s.id_number ON CONFLICT (id_number) DO NOTHING RETURNING id",
                person_params,
            )
            keys = [key for (key,) in cursor.fetchall()]
            persons = len(keys)
            history = {"history_date": now, "history_type": "+", "history_user_id": None}
            _copy_history(Claimant, Claimant.history.model, keys, history | {"history_change_reason": ""})
        cursor.execute(
            f"INSERT INTO {visits_table} ({visit_columns}) "  # noqa: S608
            f"SELECT {visit_select} FROM {table} s ON CONFLICT (settlement_ref) DO NOTHING",
            visit_params,
        )
        visits = cursor.rowcount
        cursor.execute(f"DROP TABLE {table}")
    return visits, persons


def _new_person(
    row: Row, places: dict[str, Region], *, by: User, facts: idnumbers.IdNumberFacts | None
) -> dict | None:
    """The registry entry a platform record makes for a person not yet known (Clarification 26), or None with
    the row's error (``facts``: its ID number's, if parsed already). The household-registration place is the record's 户籍 column, else its insured place;
    a place outside the user's region gets the same message as a person registered elsewhere."""
    data, values = row.data, row.values
    hukou = places.get(values.get("hukou_admdvs", "").strip()) or places.get(
        values.get("insuplc_admdvs", "").strip()
    )
    if hukou is None or not hukou.code.startswith(by.region_id) or not hukou.jurisdiction:
        row.errors.append(outside_region())
        return None
    if not data["name"]:
        row.errors.append(_("此人尚未登记：需要姓名才能建立参保人记录"))
        return None
    if (char := validators.name_problem(data["name"])) is not None:
        row.errors.append(DomainError(ClaimantError.NAME_CHARACTERS, char=char).message)
        return None
    facts = facts or idnumbers.parse(data["id_number"])  # parsed already by the fast path, if it took the row
    insured = places.get(values.get("insuplc_admdvs", "").strip()) or hukou
    return {
        "id": None,
        "id_number": facts.number,
        "name": data["name"],
        "sex": facts.sex,
        "birth_date": facts.birth_date,
        "hukou_region_id": hukou.code,
        "hukou_region__jurisdiction": hukou.jurisdiction,
        "insured_region_id": insured.code,
        "scheme": data["insurance_scheme"] or InsuranceScheme.RESIDENT,
    }


def _create_people(people: list[dict]) -> dict[str, int]:
    """Insert the registry entries of the people a file introduced (once each); ID number -> key."""
    unique = {person["id_number"]: person for person in people}
    fields = ("id_number", "name", "sex", "birth_date", "hukou_region_id", "insured_region_id", "scheme")
    rows = [
        {name: person[name] for name in fields} | {"origin": Claimant.Origin.PLATFORM}
        for person in unique.values()
    ]
    return dict(zip(unique, bulk_insert(Claimant, rows), strict=True))


SPEC = VisitRows()
