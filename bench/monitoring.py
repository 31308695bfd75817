"""Monthly high-cost alert job on a synthetic city: ``python -m bench monitoring [--scale small|full]``.

full: a city of 5,000,000 insured people with 50,000,000 settlement records in one year (the issue's city
scale); small: a tenth of it. Before the job, a platform file of ``visits / 10`` settlement records of
people not yet known (four records each; SCENARIOS Clarification 26) goes through the import path a
reviewer uses (stage, then commit: ``manage.py import_platform_settlements``, in a process of its own),
which creates their registry entries and adds their visits to the person-year totals:
``import_rows_per_second`` and ``persons_created``. Their visits count in the job like the others.
``write_floor_rows_per_second`` is what PostgreSQL alone takes to write such rows on this machine: the last
file's visits, copied aside, inserted again by one bare ``INSERT … SELECT`` and committed (then deleted): the
ceiling of any import through the visit table's indexes and foreign keys.

Then it times the monthly job end to end (the Celery task with its county fan-out, in this process), which
reads the person-year totals, and, over the same rows, the bare SQL aggregate over every visit of the year
(the same sum and filters, under the job's own plan settings, warm, timed the same way from this process);
reports ``job_seconds``, ``bare_sql_seconds``, ``ratio_to_bare_sql`` and ``peak_rss_mb`` (this worker
process, ``resource.getrusage``), and ``import_peak_rss_mb`` (the import command's process). Targets: ratio <= 1.0, memory < 500 MB. Other sizes:
``run("custom", sizes=(people, visits))``.
"""

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.db import connection, transaction

from bench import progress
from claimants.idnumbers import check_char
from claimants.models import ImportBatch, User
from core.roles import Role
from monitoring import services, synthetic
from monitoring.models import AlertRun, HighCostAlert, PushBatch
from monitoring.tasks import run_monthly_alerts_task
from settlements.models import PolicyYear, Visit

SCALES = {"small": (500_000, 5_000_000), "full": (5_000_000, 50_000_000)}
YEAR = 2023
PERIOD = dt.date(YEAR, 12, 1)  # the January run: the whole year

BARE_SQL = """
SELECT claimant_id, sum(policy_scope_cost - basic_insurance_paid - coalesce(critical_illness_paid, 0))
FROM settlements_visit
WHERE year = %s AND discharged <= %s
GROUP BY claimant_id
HAVING sum(policy_scope_cost - basic_insurance_paid - coalesce(critical_illness_paid, 0)) > %s
"""


def bare_sql(threshold: Decimal) -> tuple[float, int]:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        services.aggregate_settings(cursor)
        cursor.execute(BARE_SQL, [YEAR, services.month_end(PERIOD), threshold])
        rows = len(cursor.fetchall())
    return time.perf_counter() - started, rows


IMPORT_FILE = "bench-platform-records.csv"
IMPORTER = "bench_monitoring_importer"
RECORDS_PER_PERSON = 4
PLATFORM_HEADER = (
    "setl_id,certno,psn_name,med_type,setl_time,medfee_sumamt,inscp_scp_amt,hifp_pay,hifmi_pay,hukou_admdvs"
)


def platform_file(first: int, stop: int, townships: list[str]) -> bytes:
    """Settlement records ``first`` to ``stop`` (four a person) of people not yet known, with valid ID
    numbers under the synthetic prefix (removed with the city) and a township of household registration
    each. A file stays within the upload limits (``JIUZHU_IMPORT_MAX_ROWS``), as an operator's would."""
    lines = [PLATFORM_HEADER]
    for index in range(first, stop):
        person = index // RECORDS_PER_PERSON
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=person % 20000)
        first17 = f"{synthetic.ID_PREFIX}{person // 1000 % 10000:04d}{birth:%Y%m%d}{person % 1000:03d}"
        # Three outpatient records and one stay a person: about one person in ten ends over the threshold.
        inpatient = index % RECORDS_PER_PERSON == 0
        scope = 2000 + (index * 104729) % 30000 if inpatient else 500 + (index * 7919) % 5000
        lines.append(
            f"BENCH-{index},{first17}{check_char(first17)},平台{person},{21 if inpatient else 11},"
            f"{YEAR}-{index % 12 + 1:02d}-15,{scope + 300},{scope},{scope * 55 // 100},0,"
            f"{townships[person % len(townships)]}"
        )
    return ("\n".join(lines) + "\n").encode()


def _database_url() -> str:
    """This connection's database (under the test runner, its test database), for the import's process."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def import_platform_records(records: int) -> tuple[float, int]:
    """Import the file as an operator would (``manage.py import_platform_settlements FILE --as USER``: the
    upload page's stage and commit), in a process of its own so that ``peak_rss_mb`` stays the job's; return
    the seconds and the people created."""
    User.objects.update_or_create(
        username=IMPORTER, defaults={"role": Role.MEDICAL_SECURITY_REVIEWER, "region_id": "5107"}
    )
    per_file = settings.JIUZHU_IMPORT_MAX_ROWS // RECORDS_PER_PERSON * RECORDS_PER_PERSON  # the upload limit
    townships = synthetic.township_codes()
    with tempfile.TemporaryDirectory() as directory:
        paths = []
        for number, first in enumerate(range(0, records, per_file)):
            path = Path(directory) / f"{number:03d}-{IMPORT_FILE}"
            path.write_bytes(platform_file(first, min(records, first + per_file), townships))
            paths.append(str(path))
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - this interpreter and the project's manage.py
            [sys.executable, "manage.py", "import_platform_settlements", *paths, "--as", IMPORTER],
            cwd=Path(__file__).resolve().parents[1],
            env=os.environ | {"DATABASE_URL": _database_url()},
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"the platform import failed: {done.stderr.strip()[-500:]}")
    files = [json.loads(line) for line in done.stdout.strip().splitlines()]
    counts = {name: sum(f[name] for f in files) for name in ("visits", "refused", "persons_created")}
    if counts["refused"] or counts["visits"] != records:
        raise SystemExit(f"the platform import refused rows: {counts}")
    return seconds, counts["persons_created"]


FLOOR_PREFIX = "FLOOR-"


def write_floor(batch: int) -> float:
    """The floor of the import's write on this machine: the visits of one imported file (``batch``) copied
    aside, then written again under new ``setl_id``s by one bare ``INSERT … SELECT`` and committed (timed:
    the visits' indexes, checks and deferred foreign-key checks, nothing else: no file, no validation, no
    new people, no totals); rows a second. The copies are deleted."""
    table = Visit._meta.db_table
    columns = ", ".join(f.column for f in Visit._meta.concrete_fields if not f.primary_key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_floor AS SELECT {columns} FROM {table} WHERE import_batch_id = %s",
            [batch],
        )
        cursor.execute("UPDATE bench_floor SET settlement_ref = %s || settlement_ref", [FLOOR_PREFIX])
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM bench_floor")
        rows = cursor.rowcount
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
        cursor.execute(f"DELETE FROM {table} WHERE settlement_ref LIKE %s", [f"{FLOOR_PREFIX}%"])
    return rows / seconds


def clear() -> None:
    """Remove the synthetic city (imported people too), the import batches, then the month's batches and
    runs left without alerts."""
    if synthetic.remove_city():
        synthetic.vacuum_analyze()
    ImportBatch.objects.filter(file_name__endswith=IMPORT_FILE, created_by__username=IMPORTER).delete()
    User.objects.filter(username=IMPORTER).delete()
    PushBatch.objects.filter(period=PERIOD, alerts__isnull=True).delete()
    AlertRun.objects.filter(period=PERIOD, batches__isnull=True).delete()


def run(scale: str, *, sizes: tuple[int, int] | None = None) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("the monitoring benchmark needs PostgreSQL: set DATABASE_URL")
    people, visits = sizes or SCALES[scale]
    current_app.conf.task_always_eager = True  # the fan-out runs in this process, whose memory we measure
    if not synthetic.township_codes():
        from claimants.divisions import load_divisions

        load_divisions(settings.SHARED_DIR / "data" / "divisions", only=("5107",))
    policy_year, created_year = PolicyYear.objects.get_or_create(
        jurisdiction="mianyang",
        year=YEAR,
        defaults={"effective_from": dt.date(YEAR, 1, 1), "income_last_year": Decimal("33000.00")},
    )
    threshold = services.threshold_for(jurisdiction="mianyang", year=YEAR)
    clear()  # what an interrupted run left behind
    try:
        progress(f"generating {people:,} people and {visits:,} visits")
        started = time.perf_counter()
        synthetic.create_city(people=people, visits=visits, year=YEAR)
        synthetic.vacuum_analyze()
        load_seconds = time.perf_counter() - started
        records = visits // 10
        progress(
            f"loaded in {load_seconds:.1f} s; importing {records:,} platform records of people not yet known"
        )
        import_seconds, persons_created = import_platform_records(records)
        last = ImportBatch.objects.filter(created_by__username=IMPORTER).latest("pk")
        progress(f"imported in {import_seconds:.1f} s; timing the bare write of the last file's visits")
        floor = write_floor(last.pk)
        synthetic.vacuum_analyze()
        progress(f"bare write: {floor:,.0f} rows/s; warming up with the bare aggregate")
        bare_sql(threshold)
        progress("running the monthly job")
        started = time.perf_counter()
        run_id = run_monthly_alerts_task.apply(args=[PERIOD.isoformat()]).get()
        job_seconds = time.perf_counter() - started
        job = AlertRun.objects.get(pk=run_id)
        alerts = HighCostAlert.objects.filter(batch__run_id=run_id).count()
        progress(f"job: {job_seconds:.2f} s, {job.hits:,} people over {threshold}; timing the bare aggregate")
        bare_seconds, bare_rows = bare_sql(threshold)
        if bare_rows != job.hits:
            raise SystemExit(f"the job found {job.hits} people, the bare aggregate {bare_rows}")
        return {
            "load_average": [round(load, 2) for load in os.getloadavg()],
            "people": people,
            "visits": visits + records,
            "people_over_threshold": job.hits,
            "alerts_written": alerts,
            "counties": job.regions_total,
            "load_seconds": round(load_seconds, 1),
            "imported_records": records,
            "persons_created": persons_created,
            "import_rows_per_second": round(records / import_seconds),
            "write_floor_rows_per_second": round(floor),
            "job_seconds": round(job_seconds, 2),
            "bare_sql_seconds": round(bare_seconds, 2),
            "ratio_to_bare_sql": round(job_seconds / bare_seconds, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            # The import command's process (this one's only child): a file validated while another commits.
            "import_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        }
    finally:
        progress("cleaning up")
        clear()
        if created_year:
            policy_year.delete()
