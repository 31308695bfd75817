"""Database settlement throughput: ``python -m bench settlement_db [--scale small|full]`` (PostgreSQL).

Every settlement goes through the real services: policy year and certifications read, the person's
ledger rows locked (created on the first visit of the year), the engine run, the settlement with its
explanation inserted, the ledger rows and the dashboard roll-ups updated.

Data (COPY): claimants in a throw-away region under a ``mianyang`` jurisdiction, each certified with a
category of the Mianyang ranking and holding ``VISITS_PER_CLAIMANT`` visits of 2023. ``full``: 20,000
settlements; ``small``: 2,000. The same visits are settled four times (the settlements and ledgers reset
in between):

- ``settlements_per_second``: one process through ``settlements.services.settle_visits``, the path of
  imported platform records and of the visit list's bulk action (one transaction per chunk of
  ``BATCH_CHUNK_SIZE`` visits, every read and write one statement per chunk);
  ``settlements_per_second_2proc``: two OS processes at once on disjoint claimants (total over wall
  time; chunks of different batches take turns, see docs/settlement.md); ``statements_per_settlement``:
  SQL statements a settlement on that path (BEGIN and COMMIT not counted).
- ``single_settlements_per_second`` and ``…_2proc``: one transaction per visit through
  ``settle_visit``, as a hospital window settles; ``single_statements_per_settlement`` likewise.
- ``bare_transactions_per_second``: the floor of the one-transaction-per-visit path on this machine at
  this moment, a bare ORM transaction that locks a ledger row, inserts one and updates the locked one
  (each commit waits for the WAL flush, as a settlement's does).

Everything created is deleted at the end.
"""

import datetime as dt
import multiprocessing
import time
from decimal import Decimal

from django.db import connection, connections, transaction

from bench import progress

SIZES = {"small": 2_000, "full": 20_000}
VISITS_PER_CLAIMANT = 4
REGION_CODES = (("98", 1, None), ("9801", 2, "98"), ("980101", 3, "9801"), ("980101001", 4, "980101"))
TOWNSHIP = "980101001"
NAME_PREFIX = "BENCH"
CATEGORIES = ("dibao", "destitute", "monitored_rural", "marginal", "illness_impoverished", "orphan")
YEAR = 2023
WRITTEN_TABLES = (
    "settlements_settlement",
    "settlements_settlementtier",
    "settlements_ledgerentry",
    "monitoring_settlementrollup",
    "monitoring_tierrollup",
    "monitoring_personyearrollup",
)


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _setup(claimants: int) -> dict:
    from claimants.models import Region
    from settlements.models import PolicyYear

    for code, level, parent in REGION_CODES:
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": f"基准测试{code}",
                "level": level,
                "parent_id": parent,
                "jurisdiction": "mianyang",
            },
        )
    policy_year, created = PolicyYear.objects.get_or_create(
        jurisdiction="mianyang",
        year=YEAR,
        defaults={
            "effective_from": dt.date(YEAR, 1, 1),
            "income_last_year": Decimal("33000.00"),
            "parameters": {
                "assistance_annual_cap": "50000.00",
                "tilt_threshold": "7000.00",
                "tilt_annual_cap": "30000.00",
            },
        },
    )
    now = dt.datetime.now(dt.UTC)
    _copy(
        "claimants_claimant",
        ("name", "id_number", "sex", "birth_date", "phone", "hukou_region_id", "insured_region_id",
         "residence", "scheme", "relation_to_head", "created_at"),
        (
            (f"{NAME_PREFIX}{n}", f"980101{n:011d}X", "M", dt.date(1970, 1, 1), "", TOWNSHIP, TOWNSHIP, "",
             "resident", "", now)
            for n in range(claimants)
        ),
    )  # fmt: skip
    from claimants.models import Claimant

    ids = list(
        Claimant.objects.filter(name__startswith=NAME_PREFIX, hukou_region_id=TOWNSHIP)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _copy(
        "claimants_certification",
        ("claimant_id", "category", "jurisdiction", "department", "certificate_number", "valid_from",
         "status", "source", "note", "created_at"),
        (
            (pk, CATEGORIES[i % len(CATEGORIES)], "mianyang", "civil_affairs", "", dt.date(2020, 1, 1),
             "active", "import", "", now)
            for i, pk in enumerate(ids)
        ),
    )  # fmt: skip

    def visits():
        for i, pk in enumerate(ids):
            for k in range(VISITS_PER_CLAIMANT):
                day = dt.date(YEAR, 2 + 2 * k, 1 + i % 27)
                scope = Decimal(4000 + (i * 7919 + k * 104729) % 40000)
                yield (pk, "inpatient", day - dt.timedelta(days=5), day, YEAR, "referred", True, True, False,
                       scope + 500, scope, (scope * Decimal("0.55")).quantize(Decimal("0.01")), 0, 0,
                       "import", now)  # fmt: skip

    _copy(
        "settlements_visit",
        ("claimant_id", "visit_type", "admitted", "discharged", "year", "referral", "in_province", "in_city",
         "offsite_filed", "total_cost", "policy_scope_cost", "basic_insurance_paid", "other_insurance_paid",
         "fully_self_paid", "source", "created_at"),
        visits(),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE claimants_claimant; ANALYZE claimants_certification; ANALYZE settlements_visit"
        )
    return {"claimant_ids": ids, "policy_year_created": created, "policy_year_id": policy_year.pk}


def _visits(claimant_ids):
    from settlements.models import Visit

    return list(
        Visit.objects.filter(claimant_id__in=claimant_ids)
        .select_related("claimant__hukou_region")
        .order_by("discharged", "pk")
    )


def settle_visits(visits) -> int:
    """Settle these visits one by one through the service, as the hospital window would; returns the count."""
    from settlements.services import settle_visit

    for visit in visits:
        settle_visit(visit=visit, by=None)
    return len(visits)


def settle_in_batches(visits) -> int:
    """Settle these visits through ``settle_visits``, as an import of platform records does; returns the count."""
    from settlements import services

    outcome = services.settle_visits(visits=visits, by=None)
    if outcome.refusals:
        raise RuntimeError(f"the batch refused {len(outcome.refusals)} visits: {outcome.refusals[0].message}")
    return len(outcome.settlements)


def _count_statements(settle, visits) -> float:
    """Settle ``visits`` with ``settle``, counting the SQL statements sent; returns per visit."""
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        settle(visits)
    return count / len(visits)


def _bare_transactions(claimant_ids, count: int) -> float:
    """Lock one ledger row, insert one and update the locked one, ``count`` times through the ORM."""
    from django.db.models import F

    from settlements.models import LedgerEntry

    row = LedgerEntry.objects.create(claimant_id=claimant_ids[0], year=YEAR - 1, counter="bench_lock")
    started = time.perf_counter()
    for n in range(count):
        with transaction.atomic():
            LedgerEntry.objects.select_for_update().get(pk=row.pk)
            LedgerEntry.objects.create(
                claimant_id=claimant_ids[n % len(claimant_ids)], year=YEAR - 1, counter=f"b{n}"
            )
            LedgerEntry.objects.filter(pk=row.pk).update(amount=F("amount") + 1)
    return count / (time.perf_counter() - started)


def _timed(settle, visits) -> float:
    started = time.perf_counter()
    count = settle(visits)
    return count / (time.perf_counter() - started)


def _worker(settle, claimant_ids, start_event, queue) -> None:
    connections.close_all()
    visits = _visits(claimant_ids)
    start_event.wait()
    started = time.perf_counter()
    count = settle(visits)
    queue.put((count, started, time.perf_counter()))
    connections.close_all()


def _two_processes(settle, claimant_ids) -> float:
    halves = (claimant_ids[0::2], claimant_ids[1::2])
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start_event, queue = context.Event(), context.Queue()
    processes = [context.Process(target=_worker, args=(settle, half, start_event, queue)) for half in halves]
    for process in processes:
        process.start()
    time.sleep(1.0)  # both have loaded their visits
    start_event.set()
    results = [queue.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    count = sum(r[0] for r in results)
    elapsed = max(r[2] for r in results) - min(r[1] for r in results)
    return count / elapsed


def _reset_settlements(claimant_ids) -> None:
    from settlements.models import LedgerEntry, Settlement

    with transaction.atomic():
        Settlement.objects.filter(claimant_id__in=claimant_ids).delete()
        LedgerEntry.objects.filter(claimant_id__in=claimant_ids).delete()  # the bare transactions' rows too
    # What autovacuum does between runs on a production server (it may be off or behind here): the next
    # run then meets neither the dead rows of this one nor the statistics of an empty table.
    with connection.cursor() as cursor:
        for table in WRITTEN_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _cleanup(state: dict) -> None:
    from claimants.models import Certification, Claimant, Region
    from monitoring.dashboards import rollups
    from monitoring.dashboards.models import PersonYearRollup
    from settlements.models import PolicyYear, Visit

    ids = state["claimant_ids"]
    _reset_settlements(ids)
    with transaction.atomic():
        # The dashboard roll-ups followed the benchmark's settlements: drop them and recount the rest.
        PersonYearRollup.objects.filter(claimant_id__in=ids).delete()
        Visit.objects.filter(claimant_id__in=ids).delete()
        Certification.objects.filter(claimant_id__in=ids).delete()
        Claimant.objects.filter(pk__in=ids).delete()
        if state["policy_year_created"]:
            PolicyYear.objects.filter(pk=state["policy_year_id"]).delete()
        rollups.rebuild()
        for code, _, _ in reversed(REGION_CODES):
            Region.objects.filter(code=code).delete()


def run(scale: str) -> dict:
    settlements = SIZES[scale]
    claimants = settlements // VISITS_PER_CLAIMANT
    progress(f"loading {claimants} claimants with {settlements} visits (COPY)")
    state = _setup(claimants)
    try:
        ids = state["claimant_ids"]
        visits = _visits(ids)
        progress(f"bare lock-insert-update transactions through the ORM ({len(visits) // 4})")
        bare = _bare_transactions(ids, len(visits) // 4)
        progress(f"bare transactions: {bare:.0f}/s; counting statements on {len(ids) // 10} claimants")
        counted = ids[: len(ids) // 10]
        statements = _count_statements(settle_visits, _visits(counted))
        _reset_settlements(ids)
        batch_statements = _count_statements(settle_in_batches, _visits(counted))
        _reset_settlements(ids)
        progress(f"{statements:.2f} / {batch_statements:.3f} statements a settlement; batches, one process")
        batch = _timed(settle_in_batches, visits)
        progress(f"batches: {batch:.0f}/s; batches, two processes")
        _reset_settlements(ids)
        batch_two = _two_processes(settle_in_batches, ids)
        progress(f"batches, two processes: {batch_two:.0f}/s; one by one, one process")
        _reset_settlements(ids)
        single = _timed(settle_visits, visits)
        progress(f"one by one: {single:.0f}/s; one by one, two processes")
        _reset_settlements(ids)
        single_two = _two_processes(settle_visits, ids)
        progress(f"one by one, two processes: {single_two:.0f}/s; cleaning up")
    finally:
        connections.close_all()
        _cleanup(state)
    return {
        "settlements": settlements,
        "settlements_per_second": round(batch),
        "settlements_per_second_2proc": round(batch_two),
        "statements_per_settlement": round(batch_statements, 3),
        "single_settlements_per_second": round(single),
        "single_settlements_per_second_2proc": round(single_two),
        "single_statements_per_settlement": round(statements, 2),
        "bare_transactions_per_second": round(bare),
    }
