"""Bulk import of identity certifications (身份认定) from a certifying department's spreadsheet.

Columns (Chinese headers): 姓名, 身份证号, 户籍地区划代码, 认定类别 (code or Chinese label), 证书编号,
有效期起, 有效期止, 备注. Validation is set-based: one query for the regions named, one for the persons
already registered, one for their certifications, whatever the number of rows. Persons not yet
registered are created from the row (scheme 城乡居民医保 until a caseworker corrects it). 15-digit
legacy numbers are upgraded to 18 digits and flagged (OPERATIONS.md 4).
"""

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from claimants import categories, idnumbers, imports, roles, validators
from claimants.errors import ClaimantError
from claimants.imports import (
    Basis,
    Column,
    Row,
    RowSpec,
    WriteResult,
    bulk_insert,
    parse_date,
    probe,
)
from claimants.models import Certification, Claimant, ImportBatch, InsuranceScheme, Region, User
from core.errors import DomainError

KIND = "certifications"
LABEL_TO_CODE = {c.name: c.code for c in categories.CATEGORIES.values()}
CHUNK = 5000  # keeps IN (...) lists under SQLite's variable limit


def _overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


@dataclass(frozen=True)
class _Found:
    """What validation reads from the database for a file's ID numbers and region codes."""

    regions: dict[str, Region]
    known_prefixes: frozenset[str]
    existing: dict[str, dict]  # registered persons by ID number
    held: dict[tuple[int, str], list[dict]]  # their active certifications by (claimant id, category)

    @classmethod
    def read(cls, keys: dict) -> "_Found":
        regions = {r.code: r for c in _chunks(keys["regions"]) for r in Region.objects.filter(code__in=c)}
        known_prefixes = frozenset(
            Region.objects.filter(level=Region.Level.COUNTY).values_list("code", flat=True)
        )
        existing = {
            c["id_number"]: c
            for c in probe(
                Claimant.objects.values(
                    "id", "id_number", "name", "hukou_region_id", "hukou_region__jurisdiction"
                ),
                "id_number",
                keys["numbers"],
            )
        }
        held: dict[tuple[int, str], list[dict]] = defaultdict(list)
        active = Certification.objects.filter(status=Certification.Status.ACTIVE).values(
            "id", "claimant_id", "category", "valid_from", "valid_to", "certificate_number"
        )
        for c in probe(active, "claimant_id", [c["id"] for c in existing.values()]):
            held[(c["claimant_id"], c["category"])].append(c)
        return cls(regions, known_prefixes, existing, dict(held))

    def digest(self, by: User, today: dt.date) -> str:
        """A digest of everything validation decides on besides the file: these rows, the importing user's
        rights (region, role) and the day."""
        state = (
            (by.pk, by.region_id, by.role, by.is_active, today.isoformat()),
            sorted((r.code, r.level, r.jurisdiction) for r in self.regions.values()),
            sorted(self.known_prefixes),
            sorted(tuple(p.values()) for p in self.existing.values()),
            sorted(tuple(c.values()) for certs in self.held.values() for c in certs),
        )
        return hashlib.sha256(repr(state).encode()).hexdigest()


class CertificationRows(RowSpec):
    kind = KIND
    label = "身份认定"
    kept_fields = (
        *("claimant_id", "id_number", "name", "sex", "birth_date", "region_code", "category"),
        *("jurisdiction", "certificate_number", "valid_from", "valid_to", "note"),
    )
    columns = (
        Column("name", ("姓名",), max_length=Claimant._meta.get_field("name").max_length),
        Column("id_number", ("身份证号", "公民身份号码", "证件号码")),
        Column("region", ("户籍地区划代码", "区划代码")),
        Column("category", ("认定类别", "救助对象类别", "类别")),
        Column(
            "certificate_number",
            ("证书编号", "证号"),
            required=False,
            max_length=Certification._meta.get_field("certificate_number").max_length,
        ),
        Column("valid_from", ("有效期起", "认定日期", "开始日期")),
        Column("valid_to", ("有效期止", "结束日期"), required=False),
        Column(
            "note", ("备注",), required=False, max_length=Certification._meta.get_field("note").max_length
        ),
    )

    def describe(self, row: Row) -> str:
        number = row.data.get("id_number") or row.values.get("id_number", "")
        return f"{row.values.get('name', '')} {idnumbers.mask(number)}".strip()

    def validate(self, rows: list[Row], *, by: User) -> Basis:
        today = timezone.localdate()
        for row in rows:
            self._clean_row(row, by, today)
        keys = {
            "numbers": sorted({r.data["id_number"] for r in rows if "id_number" in r.data}),
            "regions": sorted({r.data["region_code"] for r in rows if "region_code" in r.data}),
        }
        found = _Found.read(keys)
        self._check(rows, found, by)
        return Basis(keys=keys, digest=found.digest(by, today))

    def basis(self, keys: dict, *, by: User) -> str:
        return _Found.read(keys).digest(by, timezone.localdate())

    def unpack(self, data: dict) -> dict:
        for name in ("birth_date", "valid_from", "valid_to"):
            if data[name] is not None:
                data[name] = dt.date.fromisoformat(data[name])
        return data

    def _check(self, rows: list[Row], found: "_Found", by: User) -> None:
        regions, existing, held = found.regions, found.existing, found.held
        may_certify = functools.cache(functools.partial(roles.may_certify, by))  # per category, not per row
        in_file: dict[tuple[str, str], list[Row]] = defaultdict(list)
        names_in_file: dict[str, str] = {}
        for row in rows:
            if row.errors:
                continue
            data = row.data
            if data["id_number"][:6] not in found.known_prefixes:
                row.warnings.append(_("身份证号中的地区码不在现行区划中（可能为旧代码）"))
            person = existing.get(data["id_number"])
            region = regions.get(data["region_code"])
            data["claimant_id"] = None
            if region is None:
                row.errors.append(_("户籍地区划代码不存在：%(code)s") % {"code": data["region_code"]})
                continue
            # A person registered outside the user's region, or a new one whose region is outside it: one
            # message, and nothing else about that person (no registered name, no place, no other check).
            in_scope = (person["hukou_region_id"] if person is not None else region.code).startswith(
                by.region_id
            )
            if not in_scope:
                row.errors.append(imports.outside_region())
                continue
            if person is not None:
                data["claimant_id"] = person["id"]
                jurisdiction = person["hukou_region__jurisdiction"]
                if person["name"] != data["name"]:
                    row.errors.append(_("姓名与已登记的不一致：%(name)s") % {"name": person["name"]})
                if person["hukou_region_id"] != region.code:
                    row.warnings.append(_("户籍地与已登记的不一致，以已登记的为准"))
            else:
                jurisdiction = region.jurisdiction
                if region.level != Region.Level.TOWNSHIP:
                    row.errors.append(_("新登记人员的户籍地须为乡镇（街道）代码"))
                if names_in_file.setdefault(data["id_number"], data["name"]) != data["name"]:
                    row.errors.append(_("同一身份证号在文件中对应不同姓名"))
            data["jurisdiction"] = jurisdiction
            category = data["category"]
            if category not in categories.categories_of(jurisdiction):
                row.errors.append(
                    _("该地区没有此认定类别：%(category)s") % {"category": row.values["category"]}
                )
            elif not may_certify(category):
                row.errors.append(_("此类别不由您的部门认定"))
            if row.errors:
                continue
            key = (data["id_number"], category)
            for stored in held.get((data["claimant_id"], category), ()):
                same = (
                    stored["valid_from"] == data["valid_from"]
                    and stored["valid_to"] == data["valid_to"]
                    and stored["certificate_number"] == data["certificate_number"]
                )
                if same:
                    row.unchanged = True
                elif _overlaps(
                    stored["valid_from"], stored["valid_to"], data["valid_from"], data["valid_to"]
                ):
                    row.errors.append(_("与已有的同类别认定有效期重叠"))
            for other in in_file[key]:
                if _overlaps(
                    other.data["valid_from"], other.data["valid_to"], data["valid_from"], data["valid_to"]
                ):
                    row.errors.append(_("与第 %(line)s 行的同类别认定有效期重叠") % {"line": other.line})
                    break
            if not row.errors:
                in_file[key].append(row)

    def _clean_row(self, row: Row, by: User, today: dt.date) -> None:
        values, data = row.values, row.data
        if row.errors:  # NUL bytes: nothing else is worth checking
            return
        data["name"] = values["name"].strip()
        if not data["name"]:
            row.errors.append(_("姓名为空"))
        elif (char := validators.name_problem(data["name"])) is not None:
            row.errors.append(DomainError(ClaimantError.NAME_CHARACTERS, char=char).message)
        try:
            facts = idnumbers.parse(values["id_number"], allow_legacy=True, today=today)
        except idnumbers.InvalidIdNumber as exc:
            row.errors.append(str(exc))
        else:
            data["id_number"], data["sex"], data["birth_date"] = facts.number, facts.sex, facts.birth_date
            if facts.upgraded_from_15:
                row.warnings.append(
                    _("15位旧身份证号已升级为18位：%(number)s") % {"number": idnumbers.mask(facts.number)}
                )
        data["region_code"] = values["region"].strip()
        if not data["region_code"]:
            row.errors.append(_("户籍地区划代码为空"))
        raw_category = values["category"].strip()
        category = raw_category if raw_category in categories.CATEGORIES else LABEL_TO_CODE.get(raw_category)
        if category is None:
            row.errors.append(_("未知的认定类别：%(category)s") % {"category": raw_category})
        data["category"] = category
        data["certificate_number"] = values.get("certificate_number", "").strip()
        data["note"] = values.get("note", "").strip()
        try:
            data["valid_from"] = parse_date(values["valid_from"])
        except ValueError:
            row.errors.append(_("有效期起不是日期：%(value)s") % {"value": values["valid_from"]})
        raw_to = values.get("valid_to", "").strip()
        data["valid_to"] = None
        if raw_to:
            try:
                data["valid_to"] = parse_date(raw_to)
            except ValueError:
                row.errors.append(_("有效期止不是日期：%(value)s") % {"value": raw_to})
        if data.get("valid_from") and data["valid_to"] and data["valid_to"] < data["valid_from"]:
            row.errors.append(_("有效期止早于有效期起"))
        for label, name in ((_("有效期起"), "valid_from"), (_("有效期止"), "valid_to")):
            if data.get(name) and not validators.date_in_range(data[name]):
                row.errors.append(
                    DomainError(
                        ClaimantError.IMPLAUSIBLE_DATE, field=label, latest=validators.LATEST_DATE.isoformat()
                    ).message
                )

    def persons_new(self, rows: list[Row]) -> int:
        return len({row.data["id_number"] for row in rows if row.data["claimant_id"] is None})

    def write(self, rows: list[Row], *, batch: ImportBatch, by: User) -> WriteResult:
        reason = _("导入批次 #%(id)s") % {"id": batch.pk}
        new_people: dict[str, dict] = {}
        for row in rows:
            data = row.data
            if data["claimant_id"] is not None or data["id_number"] in new_people:
                continue
            new_people[data["id_number"]] = {
                "name": data["name"],
                "id_number": data["id_number"],
                "sex": data["sex"],
                "birth_date": data["birth_date"],
                "hukou_region_id": data["region_code"],
                "insured_region_id": data["region_code"],
                "scheme": InsuranceScheme.RESIDENT,
            }
        keys = bulk_insert(Claimant, list(new_people.values()), history_user=by, history_reason=reason)
        claimant_ids = dict(zip(new_people, keys, strict=True))
        certifications = [
            {
                "claimant_id": row.data["claimant_id"] or claimant_ids[row.data["id_number"]],
                "category": row.data["category"],
                "jurisdiction": row.data["jurisdiction"],
                "department": categories.certifying_department(row.data["category"]),
                "certificate_number": row.data["certificate_number"],
                "valid_from": row.data["valid_from"],
                "valid_to": row.data["valid_to"],
                "status": Certification.Status.ACTIVE,
                "source": Certification.Source.IMPORT,
                "note": row.data["note"],
                "import_batch_id": batch.pk,
                "created_by_id": by.pk,
            }
            for row in rows
        ]
        bulk_insert(Certification, certifications, history_user=by, history_reason=reason)
        return WriteResult(rows_created=len(certifications), persons_created=len(new_people))


SPEC = CertificationRows()


def example_row(user: User) -> dict[str, str]:
    """The example row of the downloadable template (claimants.import_templates): a township of the user's
    region, a category the user's department certifies in their jurisdiction (its Chinese name, as certification
    files spell it, in either interface language), dates as the import reads them."""
    from claimants.selectors import townships_visible_to

    township = townships_visible_to(user).order_by("code").first()
    code = township.code if township is not None else (user.region_id or "")
    category = next(
        (c for c in categories.categories_of(user.jurisdiction) if roles.may_certify(user, c)),
        "",
    )
    return {
        "name": "张三",
        "id_number": idnumbers.build(code[:6] if len(code) >= 6 else "110101", dt.date(1980, 1, 1), 1),
        "region": code,
        "category": categories.CATEGORIES[category].name if category else "",
        "certificate_number": "DB2024001",
        "valid_from": f"{timezone.localdate().year}-01-01",
        "valid_to": "",
        "note": "",
    }
