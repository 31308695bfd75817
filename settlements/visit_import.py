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
years.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from claimants import idnumbers, validators
from claimants.errors import ClaimantError
from claimants.imports import (
    Column,
    Row,
    RowSpec,
    WriteResult,
    bulk_insert,
    outside_region,
    parse_date,
)
from claimants.models import Claimant, ImportBatch, InsuranceScheme, Region, User
from settlements.errors import DomainError, VisitError
from settlements.models import PolicyYear, Referral, Visit, VisitType
from settlements.services import check_visit_values

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

    def validate(self, rows: list[Row], *, by: User) -> None:
        for row in rows:
            self._clean_row(row)
        live = [r for r in rows if not r.errors and not r.unchanged]
        numbers = sorted({r.data["id_number"] for r in live})
        people = {
            c["id_number"]: c
            for i in range(0, len(numbers), CHUNK)
            for c in Claimant.objects.filter(id_number__in=numbers[i : i + CHUNK]).values(
                "id", "id_number", "name", "hukou_region_id", "hukou_region__jurisdiction", "scheme"
            )
        }
        refs = sorted({r.data["settlement_ref"] for r in live})
        stored = {
            ref
            for i in range(0, len(refs), CHUNK)
            for ref in Visit.objects.filter(settlement_ref__in=refs[i : i + CHUNK]).values_list(
                "settlement_ref", flat=True
            )
        }
        years = set(PolicyYear.objects.values_list("jurisdiction", "year"))
        places = _places(live, unknown={r.data["id_number"] for r in live} - set(people), by=by)
        seen: dict[str, int] = {}
        for row in live:
            data = row.data
            person = people.get(data["id_number"])
            if person is None:
                person = _new_person(row, places, by=by)
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
        created = _create_people([row.data["person"] for row in rows if row.data["claimant_id"] is None])
        visits = [
            {
                "claimant_id": row.data["claimant_id"] or created[row.data["id_number"]],
                "settlement_ref": row.data["settlement_ref"],
                "visit_type": row.data["visit_type"],
                "admitted": row.data["admitted"],
                "discharged": row.data["discharged"],
                "year": row.data["discharged"].year,
                "referral": row.data["referral"],
                "total_cost": row.data["total_cost"],
                "policy_scope_cost": row.data["policy_scope_cost"],
                "basic_insurance_paid": row.data["basic_insurance_paid"],
                "critical_illness_paid": row.data["critical_illness_paid"],
                "other_insurance_paid": row.data["other_insurance_paid"],
                "supplementary_paid": row.data["supplementary_paid"],
                "insurance_scheme": row.data["insurance_scheme"],
                "fully_self_paid": row.data["fully_self_paid"],
                "assistance_paid_at_hospital": row.data["assistance_paid_at_hospital"],
                "source": Visit.Source.IMPORT,
                "import_batch_id": batch.pk,
            }
            for row in rows
        ]
        bulk_insert(Visit, visits)
        return WriteResult(rows_created=len(visits), persons_created=len(created))


def _places(rows: list[Row], *, unknown: set[str], by: User) -> dict[str, Region]:
    """The regions named by the rows of people not yet known (hukou and insured place), in one query."""
    codes = {
        row.values.get(column, "").strip()
        for row in rows
        if row.data["id_number"] in unknown
        for column in ("hukou_admdvs", "insuplc_admdvs")
    }
    codes.discard("")
    levels = (Region.Level.COUNTY, Region.Level.TOWNSHIP)
    return {region.code: region for region in Region.objects.filter(code__in=codes, level__in=levels)}


def _new_person(row: Row, places: dict[str, Region], *, by: User) -> dict | None:
    """The registry entry a platform record makes for a person not yet known (Clarification 26), or None with
    the row's error. The household-registration place is the record's 户籍 column, else its insured place;
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
    facts = idnumbers.parse(data["id_number"])
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
