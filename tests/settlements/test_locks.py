"""The ledger writes of a batch chunk (``settlements.locks``): many people's rows in one statement each."""

from decimal import Decimal

import pytest

from settlements import context, locks
from settlements.models import LedgerEntry

D = Decimal


def amounts(claimant) -> dict[str, Decimal]:
    return dict(LedgerEntry.objects.filter(claimant=claimant, year=2023).values_list("counter", "amount"))


@pytest.mark.django_db
def test_a_locked_read_creates_every_base_counter_of_new_person_years_once(certified):
    first, second = certified(), certified()
    context.read([(second.pk, 2023), (first.pk, 2023), (first.pk, 2023)], lock=True)
    again = context.read([(first.pk, 2023)], lock=True)

    for claimant in (first, second):
        assert amounts(claimant) == dict.fromkeys(locks.BASE_COUNTERS, D("0.00"))
    assert {row.pk for row in again[first.pk, 2023].ledger.values()} == set(
        LedgerEntry.objects.filter(claimant=first).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_store_counters_updates_existing_rows_and_adds_new_ones(certified):
    first, second = certified(), certified()
    context.read([(first.pk, 2023), (second.pk, 2023)], lock=True)

    locks.store_counters(
        {
            (first.pk, 2023, "inpatient_paid"): D("1200.50"),
            (second.pk, 2023, "dibao:inpatient_paid"): D("300.00"),  # a counter kept per category
        }
    )

    assert amounts(first)["inpatient_paid"] == D("1200.50")
    assert amounts(first)["inpatient_base"] == D("0.00")
    assert amounts(second)["dibao:inpatient_paid"] == D("300.00")
    assert amounts(second)["inpatient_paid"] == D("0.00")
    assert (
        LedgerEntry.objects.filter(claimant__in=[first, second]).count() == 2 * len(locks.BASE_COUNTERS) + 1
    )
