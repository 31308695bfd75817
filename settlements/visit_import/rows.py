"""The platform file's rows: validation (full checks and their wording, people not yet known) and the write."""

from decimal import InvalidOperation

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from claimants import idnumbers, validators
from claimants.errors import ClaimantError
from claimants.imports import (
    Basis,
    Column,
    Row,
    RowSpec,
    WriteResult,
    outside_region,
    parse_date,
)
from claimants.models import Claimant, ImportBatch, InsuranceScheme, Region, User
from core.errors import DomainError
from core.regions import in_region
from settlements.errors import VisitError
from settlements.models import Referral, Visit
from settlements.services import check_visit_values
from settlements.visit_import.checks import Parsed, _FastChecks, _Parses, given_critical
from settlements.visit_import.fields import (
    INSUTYPES,
    KIND,
    MONEY_COLUMNS,
    REFERRALS,
    REQUIRED_MONEY,
    TOLERANCE,
    _money,
    visit_type_of,
)
from settlements.visit_import.lookups import _digest, _people, _places, _policy_years, _stored
from settlements.visit_import.writing import (
    IMPORT_FOLLOWERS,
    NEW_PERSON,
    _cells,
    _write_rows,
    _write_set_based,
)


class VisitRows(RowSpec):
    kind = KIND
    label = "就医记录"
    kept_line = "cells"
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
        data, values = row.data, row.values  # a row the checks accepted keeps what it says in its data
        number = data.get("id_number") or values.get("certno", "")
        name = data.get("name") or values.get("psn_name", "")
        ref = data.get("settlement_ref") or values.get("setl_id", "")
        return f"{ref} {name} {idnumbers.mask(number)}".strip()

    def reading(self, positions: dict[str, int]):
        return _FastChecks(timezone.localdate(), positions).row

    def validate(self, rows: list[Row], *, by: User) -> Basis:
        accepted: list[tuple[Row, Parsed]] = []
        for row in rows:
            if row.errors:
                continue
            parsed = row.checked
            if parsed is None:
                parsed = self._clean_row(row)  # the full checks, which word the refusal
            row.checked = None
            if parsed is not None and not row.errors:
                accepted.append((row, parsed))
        numbers = sorted({p.id_number for _row, p in accepted})
        refs = sorted({p.settlement_ref for _row, p in accepted})
        people = _people(numbers)
        unknown = set(numbers) - set(people)
        codes = sorted(
            {code for _row, p in accepted if p.id_number in unknown for code in (p.hukou, p.insured) if code}
        )
        stored, years, places = _stored(refs), _policy_years(), _places(codes)
        # The stored setl_ids are not part of the basis: visits are never deleted, so the only change a commit
        # could meet is a record stored since by another import, which the unique index finds as it writes.
        keys = {"numbers": numbers, "codes": codes}
        basis = Basis(keys=keys, digest=_digest(people, years, places, by=by))
        seen: dict[str, int] = {}
        inside = _Parses(lambda code: in_region(code, by))  # by household-registration place
        accepted.reverse()
        while accepted:  # in file order, each checked record let go once its line is made
            row, parsed = accepted.pop()
            person = people.get(parsed.id_number)
            if person is None:
                person = _new_person(row, parsed, places, by=by)
                if person is not None:
                    people[parsed.id_number] = person
            if person is not None and not inside[person["hukou_region_id"]]:
                row.errors.append(outside_region())  # the same whether registered elsewhere or nowhere
            if person is None or row.errors:
                _label(row, parsed)
                continue
            if parsed.name and parsed.name != person["name"]:
                row.errors.append(_("姓名与已登记的不一致：%(name)s") % {"name": person["name"]})
            if (person["hukou_region__jurisdiction"], parsed.discharged.year) not in years:
                row.errors.append(_("%(year)s 年没有政策年度参数") % {"year": parsed.discharged.year})
            ref = parsed.settlement_ref
            if ref in seen:
                row.errors.append(_("结算ID与第 %(line)s 行重复") % {"line": seen[ref]})
            seen.setdefault(ref, row.line)
            if row.errors:
                _label(row, parsed)
                continue
            if ref in stored:
                row.unchanged = True
            if parsed.insurance_scheme is None:  # the platform did not say: the person's registered scheme
                parsed.insurance_scheme = person["scheme"]
                parsed.critical_illness_paid = parsed.critical_for(person["scheme"])
            # The row as ``write`` takes it (its person's key, or the new person's cells) and what the report
            # names; the rest is let go, as a file's parsed values would double the import's memory.
            row.data = {"id_number": parsed.id_number, "cells": _cells(parsed, person)}
        return basis

    def persons_new(self, rows: list[Row]) -> int:
        return len({row.data["id_number"] for row in rows if row.data["cells"].startswith(NEW_PERSON)})

    def basis(self, keys: dict, *, by: User) -> str:
        people = _people(keys["numbers"])
        return _digest(people, _policy_years(), _places(keys["codes"]), by=by)

    def _clean_row(self, row: Row) -> Parsed | None:
        """Every check of the row, each refusal worded (in ``row.errors``); what the row says, or None."""
        values, data = row.values, row.data
        if values.get("refd_setl_flag", "").strip() == "1" or values.get("vali_flag", "").strip() == "0":
            row.warnings.append(_("退费或无效的结算记录，跳过"))
            row.unchanged = True
            return None
        data["settlement_ref"] = values["setl_id"].strip()
        if not data["settlement_ref"]:
            row.errors.append(_("结算ID为空"))
        data["name"] = values.get("psn_name", "").strip()
        try:
            data["id_number"] = idnumbers.parse(values["certno"], allow_legacy=True).number
        except idnumbers.InvalidIdNumber as exc:
            row.errors.append(str(exc))
        med_type = values["med_type"].strip()
        visit_type = visit_type_of(med_type)
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
            return None
        raw_scheme = values.get("insutype", "").strip()
        data["insurance_scheme"] = INSUTYPES.get(raw_scheme) if raw_scheme else None  # None: as registered
        if raw_scheme and data["insurance_scheme"] is None:
            row.errors.append(DomainError(VisitError.UNKNOWN_INSURANCE_SCHEME, value=raw_scheme).message)
            return None
        # The platform's 大病 payments, and which of them is the visit's tier (Clarification 24).
        resident = amounts["hifmi_pay"] if values.get("hifmi_pay", "").strip() else None
        employee = amounts["hifob_pay"] if values.get("hifob_pay", "").strip() else None
        critical = given_critical(data["insurance_scheme"], resident, employee)
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
        if row.errors:
            return None
        return Parsed(
            **data,
            resident_critical=resident,
            employee_critical=employee,
            hukou=values.get("hukou_admdvs", "").strip(),
            insured=values.get("insuplc_admdvs", "").strip(),
        )

    def write(self, rows: list[Row], *, batch: ImportBatch, by: User) -> WriteResult:
        return self.write_lines(b"".join(row.data["cells"] for row in rows), batch=batch, by=by)

    def write_lines(self, lines: bytes, *, batch: ImportBatch, by: User) -> WriteResult:
        if not lines:
            return WriteResult(rows_created=0)
        if connection.vendor == "postgresql":
            visits, persons = _write_set_based(lines, batch)
        else:
            visits, persons = _write_rows(lines, batch)
        if visits:
            IMPORT_FOLLOWERS.call(batch)
        # A record another import stored since the preview is left as it stored it: unchanged, not created.
        return WriteResult(
            rows_created=visits, persons_created=persons, rows_stored_since=lines.count(b"\n") - visits
        )


def _label(row: Row, parsed: Parsed) -> None:
    """Keep what the report names of a refused row (its raw cells may be gone)."""
    row.data = {"id_number": parsed.id_number, "settlement_ref": parsed.settlement_ref, "name": parsed.name}


def _new_person(row: Row, parsed: Parsed, places: dict[str, Region], *, by: User) -> dict | None:
    """The registry entry a platform record makes for a person not yet known (Clarification 26), or None with
    the row's error. The household-registration place is the
    record's 户籍 column, else its insured place; a place outside the user's region gets the same message as
    a person registered elsewhere."""
    hukou = places.get(parsed.hukou) or places.get(parsed.insured)
    if hukou is None or not in_region(hukou.code, by) or not hukou.jurisdiction:
        row.errors.append(outside_region())
        return None
    if not parsed.name:
        row.errors.append(_("此人尚未登记：需要姓名才能建立参保人记录"))
        return None
    if (char := validators.name_problem(parsed.name)) is not None:
        row.errors.append(DomainError(ClaimantError.NAME_CHARACTERS, char=char).message)
        return None
    facts = parsed.facts or idnumbers.parse(parsed.id_number)  # parsed by the fast path, if it took the row
    insured = places.get(parsed.insured) or hukou
    return {
        "id": None,
        "id_number": facts.number,
        "name": parsed.name,
        "sex": facts.sex,
        "birth_date": facts.birth_date,
        "hukou_region_id": hukou.code,
        "hukou_region__jurisdiction": hukou.jurisdiction,
        "insured_region_id": insured.code,
        "scheme": parsed.insurance_scheme or InsuranceScheme.RESIDENT,
    }


SPEC = VisitRows()
