"""Certification import speed: a 100,000-row CSV (half of the persons already registered), staged and
committed through ``claimants.imports`` exactly as the upload page does, every row validated.

Reports ``rows_per_second`` over stage + commit (both validate every row), and the parts. Everything
the run created is deleted afterwards.
"""

import datetime as dt
import time

from django.conf import settings
from django.db import connection

from bench import progress
from claimants import idnumbers, imports
from claimants.certification_import import KIND
from claimants.divisions import load_divisions
from claimants.models import Certification, Claimant, ImportBatch, Region, Role, User

SIZES = {"small": 10_000, "full": 100_000}
COUNTY = "510722"  # 三台县; birth dates from 1901 keep the numbers apart from demo data
CATEGORIES = ("dibao", "destitute", "marginal", "illness_impoverished", "orphan")


def _number(i: int) -> str:
    return idnumbers.build(COUNTY, dt.date(1901, 1, 1) + dt.timedelta(days=i // 1000), i % 1000)


def build_file(count: int, townships: list[str]) -> bytes:
    lines = ["姓名,身份证号,户籍地区划代码,认定类别,证书编号,有效期起,有效期止,备注"]
    for i in range(count):
        lines.append(
            f"测{i},{_number(i)},{townships[i % len(townships)]},{CATEGORIES[i % len(CATEGORIES)]},"
            f"C{i:07d},2023-01-01,{'2025-12-31' if i % 3 else ''},"
        )
    return ("\n".join(lines) + "\n").encode()


def preregister(count: int, townships: list[str]) -> None:
    """Half of the rows' persons exist already (loaded with the same COPY path the import uses)."""
    people = []
    for i in range(0, count, 2):
        facts = idnumbers.parse(_number(i))
        region = townships[i % len(townships)]
        people.append(
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
    imports.bulk_insert(Claimant, people)


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
    numbers = [_number(i) for i in range(count)]
    try:
        progress(f"registering {count // 2:,} of the {count:,} persons beforehand")
        preregister(count, townships)
        content = build_file(count, townships)
        progress(f"staging {count:,} rows ({len(content) / 1e6:.1f} MB)")
        started = time.perf_counter()
        batch = imports.stage(kind=KIND, file_name="bench.csv", content=content, by=user)
        staged = time.perf_counter()
        progress(
            f"  staged in {staged - started:.1f} s: {batch.rows_valid:,} valid, {batch.rows_invalid:,} invalid"
        )
        batch = imports.commit(batch=batch, by=user)
        done = time.perf_counter()
        progress(f"  committed in {done - staged:.1f} s: {batch.rows_created:,} certifications")
        assert batch.rows_created == count, batch.report[:3]
        assert Certification.objects.filter(import_batch=batch).count() == count
        again = imports.commit(
            batch=imports.stage(kind=KIND, file_name="bench.csv", content=content, by=user), by=user
        )
        assert again.rows_created == 0, "re-import must change nothing"
        return {
            "rows": count,
            "rows_per_second": round(count / (done - started)),
            "stage_seconds": round(staged - started, 2),
            "commit_seconds": round(done - staged, 2),
            "persons_created": batch.persons_created,
            "database": connection.vendor,
        }
    finally:
        progress("cleaning up")
        cleanup(numbers, user)
