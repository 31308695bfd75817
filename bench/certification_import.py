"""Certification import speed: a 100,000-row file (half of the persons already registered), staged and
committed through ``claimants.imports`` exactly as the upload page does, every row validated.

Reports ``rows_per_second`` over stage + commit (both validate every row) for a CSV, and the parts; then
the same for an XLSX file of other persons (``xlsx_rows_per_second``). Everything the run created is
deleted afterwards.
"""

import datetime as dt
import io
import time

from django.conf import settings
from django.db import connection
from openpyxl import Workbook

from bench import progress
from claimants import idnumbers, imports
from claimants.certification_import import KIND
from claimants.divisions import load_divisions
from claimants.models import Certification, Claimant, ImportBatch, Region, User
from core.roles import Role

SIZES = {"small": 10_000, "full": 100_000}
COUNTY = "510722"  # 三台县; birth dates from 1901 keep the numbers apart from demo data
CATEGORIES = ("dibao", "destitute", "marginal", "illness_impoverished", "orphan")
HEADER = ["姓名", "身份证号", "户籍地区划代码", "认定类别", "证书编号", "有效期起", "有效期止", "备注"]


def _number(i: int) -> str:
    return idnumbers.build(COUNTY, dt.date(1901, 1, 1) + dt.timedelta(days=i // 1000), i % 1000)


def build_rows(people: range, townships: list[str]) -> list[list[str]]:
    """One row per person number, the header first."""
    return [HEADER] + [
        [
            f"测{i}",
            _number(i),
            townships[i % len(townships)],
            CATEGORIES[i % len(CATEGORIES)],
            f"C{i:07d}",
            "2023-01-01",
            "2025-12-31" if i % 3 else "",
            "",
        ]
        for i in people
    ]


def build_file(people: range, townships: list[str]) -> bytes:
    return ("\n".join(",".join(row) for row in build_rows(people, townships)) + "\n").encode()


def build_workbook(people: range, townships: list[str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in build_rows(people, townships):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def preregister(people: range, townships: list[str]) -> None:
    """Every other person of the file exists already (loaded with the same COPY path the import uses)."""
    registered = []
    for i in people[::2]:
        facts = idnumbers.parse(_number(i))
        region = townships[i % len(townships)]
        registered.append(
            {
                "name": f"测{i}",
                "id_number": facts.number,
                "sex": facts.sex,
                "birth_date": facts.birth_date,
                "hukou_region_id": region,
                "insured_region_id": region,
                "scheme": "resident",
            }
        )
    imports.bulk_insert(Claimant, registered)


def timed_import(file_name: str, content: bytes, user: User, count: int) -> tuple[ImportBatch, float, float]:
    """Stage and commit one file as the upload page does; the batch and the seconds of each step."""
    progress(f"staging {count:,} rows of {file_name} ({len(content) / 1e6:.1f} MB)")
    started = time.perf_counter()
    batch = imports.stage(kind=KIND, file_name=file_name, content=content, by=user)
    staged = time.perf_counter()
    progress(
        f"  staged in {staged - started:.1f} s: {batch.rows_valid:,} valid, {batch.rows_invalid:,} invalid"
    )
    batch = imports.commit(batch=batch, by=user)
    done = time.perf_counter()
    progress(f"  committed in {done - staged:.1f} s: {batch.rows_created:,} certifications")
    assert batch.rows_created == count, batch.report[:3]
    assert Certification.objects.filter(import_batch=batch).count() == count
    return batch, staged - started, done - staged


def cleanup(numbers: list[str], user: User) -> None:
    with connection.cursor() as cursor:
        batches = list(ImportBatch.objects.filter(created_by=user).values_list("id", flat=True))
        cursor.execute(
            "DELETE FROM claimants_historicalcertification WHERE import_batch_id = ANY(%s)", [batches]
        )
        cursor.execute("DELETE FROM claimants_certification WHERE import_batch_id = ANY(%s)", [batches])
        cursor.execute("DELETE FROM claimants_historicalclaimant WHERE id_number = ANY(%s)", [numbers])
        cursor.execute("DELETE FROM claimants_claimant WHERE id_number = ANY(%s)", [numbers])
    ImportBatch.objects.filter(created_by=user).delete()
    user.delete()
    with connection.cursor() as cursor:  # the dead rows left behind, in case autovacuum is off or behind
        for table in ("claimant", "historicalclaimant", "certification", "historicalcertification"):
            cursor.execute(f"VACUUM ANALYZE claimants_{table}")


def run(scale: str) -> dict:
    count = SIZES[scale]
    if not Region.objects.filter(code="510722").exists():
        progress("loading Mianyang regions")
        load_divisions(settings.SHARED_DIR / "data" / "divisions", only=("5107",))
    townships = list(
        Region.objects.filter(code__startswith=COUNTY, level=Region.Level.TOWNSHIP).values_list(
            "code", flat=True
        )
    )
    user = User.objects.create(
        username="bench_certification_import", role=Role.CIVIL_AFFAIRS_OFFICER, region_id="5107"
    )
    csv_people, xlsx_people = range(count), range(count, 2 * count)
    numbers = [_number(i) for i in range(2 * count)]
    try:
        progress(f"registering {count // 2:,} of the {count:,} persons beforehand")
        preregister(csv_people, townships)
        content = build_file(csv_people, townships)
        batch, stage_seconds, commit_seconds = timed_import("bench.csv", content, user, count)
        again = imports.commit(
            batch=imports.stage(kind=KIND, file_name="bench.csv", content=content, by=user), by=user
        )
        assert again.rows_created == 0, "re-import must change nothing"
        progress(f"the same with an XLSX file of {count:,} other persons")
        preregister(xlsx_people, townships)
        _, xlsx_stage, xlsx_commit = timed_import(
            "bench.xlsx", build_workbook(xlsx_people, townships), user, count
        )
        return {
            "rows": count,
            "rows_per_second": round(count / (stage_seconds + commit_seconds)),
            "stage_seconds": round(stage_seconds, 2),
            "commit_seconds": round(commit_seconds, 2),
            "persons_created": batch.persons_created,
            "xlsx_rows_per_second": round(count / (xlsx_stage + xlsx_commit)),
            "xlsx_stage_seconds": round(xlsx_stage, 2),
            "xlsx_commit_seconds": round(xlsx_commit, 2),
            "database": connection.vendor,
        }
    finally:
        progress("cleaning up")
        cleanup(numbers, user)
