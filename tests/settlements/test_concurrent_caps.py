"""Every cap holds when two settlements of one person meet, whatever counter rows exist yet (PostgreSQL).

The counters created on first use (Mianyang 倾斜救助, Tianjin 重特大疾病医疗救助) are the ones a row lock
alone cannot protect: a transaction that waited on the person's ledger rows only sees the rows that
existed when its statement began. The interleaving is forced, not hoped for: a trigger on the settlement
table makes the first settlement wait on an advisory lock the test holds, after it wrote its counters and
before it commits; the test starts the second settlement, waits until PostgreSQL reports it blocked, then
lets the first commit.
"""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from claimants.models import Region
from settlements.models import LedgerEntry, Settlement
from settlements.services import settle_visit, settle_visits
from tests.conftest import require_postgresql

D = Decimal
pytestmark = pytest.mark.postgres
GATE = 0x4A5A5445  # the advisory lock the trigger waits on

# (jurisdiction, category, tier code, paid counter, cap, visit amounts)
KINDS = {
    # Mianyang dibao, 280000.00 in scope: each stay alone earns the whole 30000.00 tilt cap.
    "tilt": ("mianyang", "dibao", "tilted_assistance", "tilt_paid", D("30000.00"), D("280000.00")),
    # Tianjin destitute, 2000000.00 in scope: each stay alone earns the whole 200000.00 major-illness cap.
    "major": (
        "tianjin",
        "destitute",
        "major_illness_assistance",
        "major_paid",
        D("200000.00"),
        D("2000000.00"),
    ),
    # Mianyang destitute: the annual assistance cap of 50000.00 (a base counter).
    "assistance": (
        "mianyang",
        "destitute",
        "medical_assistance",
        "inpatient_paid",
        D("50000.00"),
        D("60000.00"),
    ),
}


@pytest.fixture
def gate():
    """Install the trigger; yield (close, open) of the gate; drop the trigger afterwards."""
    require_postgresql()
    table = Settlement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION jz_test_gate() RETURNS trigger AS $$ BEGIN "
            f"PERFORM pg_advisory_xact_lock_shared({GATE}); RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER jz_test_gate AFTER INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION jz_test_gate()"
        )
    holder = connections.create_connection("default")
    holder.ensure_connection()

    def close():
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [GATE])

    def open_():
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [GATE])

    yield close, open_
    holder.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS jz_test_gate ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS jz_test_gate()")


def blocked_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until_blocked(count: int) -> None:
    deadline = time.monotonic() + 10
    while blocked_backends() < count:
        assert time.monotonic() < deadline, "the settlements never met at the lock"
        time.sleep(0.02)


def in_thread(action, results, key):
    def body():
        try:
            results[key] = action()
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def single(visit):
    return lambda: [settle_visit(visit=visit, by=None)]


def batch(visit, others):
    return lambda: settle_visits(visits=[*others, visit], by=None).settlements


@pytest.fixture
def person(policy_year_factory, claimant_factory, certification_factory, visit_factory):
    def make(kind: str):
        jurisdiction, category, *_rest, amount = KINDS[kind]
        policy_year_factory(jurisdiction=jurisdiction, year=2023, income_last_year=D("33000.00"))
        township = "510703001" if jurisdiction == "mianyang" else None
        region = Region.objects.get(code=township) if township else _tianjin_township()
        claimant = claimant_factory(hukou_region=region)
        certification_factory(claimant=claimant, category=category, valid_from=dt.date(2020, 1, 1))

        def visit(day: int, cost: Decimal = amount, visit_type: str = "inpatient", who=claimant):
            return visit_factory(
                claimant=who,
                visit_type=visit_type,
                admitted=dt.date(2023, 5, day),
                discharged=dt.date(2023, 5, day),
                policy_scope_cost=cost,
                total_cost=cost,
                basic_insurance_paid=D("0.00"),
                critical_illness_paid=D("0.00"),
            )

        def stranger(day: int):
            other = claimant_factory(hukou_region=region)
            certification_factory(claimant=other, category=category, valid_from=dt.date(2020, 1, 1))
            return visit(day, D("1000.00"), who=other)

        return claimant, visit, stranger

    return make


def _tianjin_township() -> Region:
    return Region.objects.filter(code__startswith="12", code__regex=r"^\d{9}$").order_by("code").first()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("first_of_year", [True, False], ids=["first-of-year", "later"])
@pytest.mark.parametrize("pair", ["single+single", "single+batch", "batch+single", "batch+batch"])
def test_two_settlements_of_one_person_never_exceed_a_cap(gate, person, kind, first_of_year, pair):
    _jurisdiction, _category, tier, counter, cap, _amount = KINDS[kind]
    claimant, visit, stranger = person(kind)
    if not first_of_year:  # the base rows exist: an earlier small visit of the year was settled
        settle_visit(visit=visit(1, D("100.00"), "outpatient_chronic_special"), by=None)
    first_kind, second_kind = pair.split("+")
    actions = []
    for day, how in ((10, first_kind), (20, second_kind)):
        target = visit(day)
        actions.append(single(target) if how == "single" else batch(target, [stranger(day)]))

    close, open_ = gate
    close()
    results: dict[str, list[Settlement]] = {}
    baseline = blocked_backends()
    threads = [in_thread(actions[0], results, "first")]
    wait_until_blocked(baseline + 1)  # the first wrote its counters and waits at the gate, locks held
    threads.append(in_thread(actions[1], results, "second"))
    wait_until_blocked(baseline + 2)  # the second waits for the person-year
    open_()
    for thread in threads:
        thread.join(30)

    mine = Settlement.objects.filter(claimant=claimant, reversed_by__isnull=True)
    total = sum((s.tier(tier) for s in mine), D("0.00"))
    assert total <= cap
    assert total == cap  # both stays together reach the cap: the second gets what is left
    assert LedgerEntry.objects.get(claimant=claimant, year=2023, counter=counter).amount == total
    assert {key: len(value) for key, value in results.items()} == {
        "first": 1 if first_kind == "single" else 2,
        "second": 1 if second_kind == "single" else 2,
    }
