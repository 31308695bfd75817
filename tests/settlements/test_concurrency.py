"""Two REAL concurrent settlements for one person on PostgreSQL: separate connections, one cap.

The person (特困, 100% of the base) has a 10000.00 annual cap; each visit alone would be paid 7000.00.
"""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connections, transaction

from core.errors import DomainError
from settlements.models import LedgerEntry, Settlement
from settlements.services import settle_visit, settle_visits
from tests.conftest import require_postgresql

D = Decimal
pytestmark = pytest.mark.postgres


@pytest.fixture
def near_cap(policy_year_factory, certified, visit_factory):
    require_postgresql()
    policy_year_factory(jurisdiction="mianyang", year=2023, assistance_annual_cap=D("10000.00"))
    claimant = certified("destitute")

    def visit(day: int):
        return visit_factory(
            claimant=claimant,
            admitted=dt.date(2023, 4, day),
            discharged=dt.date(2023, 4, day),
            policy_scope_cost=D("10000.00"),
            basic_insurance_paid=D("2000.00"),
            critical_illness_paid=D("1000.00"),
        )

    return claimant, visit


def run_in_thread(target, results, key):
    def body():
        try:
            results[key] = target()
        except DomainError as exc:  # a clean refusal is an acceptable outcome
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def paid(claimant) -> Decimal:
    return LedgerEntry.objects.get(claimant=claimant, year=2023, counter="inpatient_paid").amount


@pytest.mark.django_db(transaction=True)
def test_second_settlement_waits_for_the_first_and_the_cap_holds(near_cap):
    claimant, visit = near_cap
    first, second = visit(1), visit(2)
    first_done, second_started = threading.Event(), threading.Event()
    results = {}

    def settle_first_and_hold_the_lock():
        with transaction.atomic():
            settlement = settle_visit(visit=first, by=None)
            first_done.set()
            second_started.wait(5)
            time.sleep(0.3)  # the second settlement is now waiting on the ledger lock
        return settlement

    def settle_second():
        first_done.wait(5)
        second_started.set()
        return settle_visit(visit=second, by=None)

    threads = [
        run_in_thread(settle_first_and_hold_the_lock, results, "first"),
        run_in_thread(settle_second, results, "second"),
    ]
    for thread in threads:
        thread.join(20)

    assert results["first"].tier("medical_assistance") == D("7000.00")
    assert results["second"].tier("medical_assistance") == D(
        "3000.00"
    )  # read the ledger after the first committed
    assert results["second"].reason == "cap_reached"
    assert paid(claimant) == D("10000.00")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_settlements_of_a_year_never_exceed_the_cap(near_cap):
    claimant, visit = near_cap
    visits = [visit(1), visit(2)]
    barrier = threading.Barrier(2)
    results = {}

    def settle(v):
        def go():
            barrier.wait(5)
            return settle_visit(visit=v, by=None)

        return go

    threads = [run_in_thread(settle(v), results, v.pk) for v in visits]
    for thread in threads:
        thread.join(20)

    settled = [r for r in results.values() if isinstance(r, Settlement)]
    refused = [r for r in results.values() if isinstance(r, DomainError)]
    assert len(settled) + len(refused) == 2
    assert sum(s.tier("medical_assistance") for s in settled) <= D("10000.00")
    assert paid(claimant) == sum(s.tier("medical_assistance") for s in settled)
    assert LedgerEntry.objects.filter(claimant=claimant, year=2023, counter="inpatient_paid").count() == 1
    assert len(settled) == 2  # the ledger rows are created race-free: neither attempt fails


@pytest.mark.django_db(transaction=True)
def test_concurrent_settlements_of_the_same_visit_settle_it_once(near_cap):
    claimant, visit = near_cap
    target = visit(1)
    barrier = threading.Barrier(2)
    results = {}

    def settle():
        barrier.wait(5)
        return settle_visit(visit=target, by=None)

    threads = [run_in_thread(settle, results, key) for key in ("a", "b")]
    for thread in threads:
        thread.join(20)

    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["DomainError", "Settlement"]
    assert Settlement.objects.filter(visit=target).count() == 1
    assert paid(claimant) == D("7000.00")


@pytest.mark.django_db(transaction=True)
def test_a_batch_and_a_single_settlement_of_one_person_at_once_never_exceed_the_cap(
    near_cap, certified, visit_factory
):
    claimant, visit = near_cap
    single, in_batch = visit(1), visit(2)
    others = [visit_factory(claimant=certified("dibao"), discharged=dt.date(2023, 4, 1)) for _ in range(3)]
    barrier = threading.Barrier(2)
    results = {}

    def settle_single():
        barrier.wait(5)
        return settle_visit(visit=single, by=None)

    def settle_batch():
        barrier.wait(5)
        return settle_visits(visits=[*others, in_batch], by=None)

    threads = [
        run_in_thread(settle_single, results, "single"),
        run_in_thread(settle_batch, results, "batch"),
    ]
    for thread in threads:
        thread.join(20)

    assert len(results["batch"].settlements) == 4
    assert results["batch"].refusals == []
    mine = Settlement.objects.filter(claimant=claimant)
    assert sorted(s.tier("medical_assistance") for s in mine) == [D("3000.00"), D("7000.00")]
    assert paid(claimant) == D("10000.00")


@pytest.mark.django_db(transaction=True)
def test_a_batch_waits_for_a_single_settlement_holding_the_ledger_and_the_cap_holds(near_cap):
    claimant, visit = near_cap
    single, in_batch = visit(1), visit(2)
    single_done, batch_started = threading.Event(), threading.Event()
    results = {}

    def settle_single_and_hold_the_lock():
        with transaction.atomic():
            settlement = settle_visit(visit=single, by=None)
            single_done.set()
            batch_started.wait(5)
            time.sleep(0.3)  # the batch is now waiting on the ledger lock
        return settlement

    def settle_batch():
        single_done.wait(5)
        batch_started.set()
        return settle_visits(visits=[in_batch], by=None)

    threads = [
        run_in_thread(settle_single_and_hold_the_lock, results, "single"),
        run_in_thread(settle_batch, results, "batch"),
    ]
    for thread in threads:
        thread.join(20)

    assert results["single"].tier("medical_assistance") == D("7000.00")
    (settlement,) = results["batch"].settlements
    assert (settlement.tier("medical_assistance"), settlement.reason) == (D("3000.00"), "cap_reached")
    assert paid(claimant) == D("10000.00")
