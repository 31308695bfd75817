"""The settlement benchmark's core at a tiny size, so that it cannot rot (PostgreSQL: it loads with COPY)."""

import pytest

from bench import settlement_db
from settlements.models import LedgerEntry, Settlement
from tests.conftest import require_postgresql


def amounts(claimant_ids):
    settlements = Settlement.objects.filter(claimant_id__in=claimant_ids).prefetch_related("tiers")
    return sorted(
        (s.visit_id, s.tier("medical_assistance"), s.tier("tilted_assistance"), s.personal_burden)
        for s in settlements
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_benchmark_loads_settles_and_cleans_up():
    require_postgresql()
    state = settlement_db._setup(5)
    try:
        ids = state["claimant_ids"]
        assert settlement_db._bare_transactions(ids, 3) > 0
        # ledger lock, context with the ledger rows, the INSERT with everything it writes (the visit's computed
        # 大病, the person's year total and the roll-ups included); the first visit of a person-year also
        # creates the ledger rows (one more statement)
        visits = settlement_db._visits(ids[:1])
        assert settlement_db._count_statements(settlement_db.settle_visits, visits) == 3.25
        settlement_db._reset_settlements(ids)
        # a chunk: batch lock, ledger lock and insert, context with the ledger rows and the settlements in
        # force, ids, COPY of the settlements and of their tier rows, counters, then one statement for the
        # computed 大病 copied onto visits that gave none, the person-year totals and the roll-ups, whatever
        # its size
        assert settlement_db._count_statements(settlement_db.settle_in_batches, visits) * len(visits) <= 9
        settlement_db._reset_settlements(ids)
        count = settlement_db.settle_visits(settlement_db._visits(ids))
        assert count == 5 * settlement_db.VISITS_PER_CLAIMANT
        assert Settlement.objects.filter(claimant_id__in=ids).count() == count
        assert LedgerEntry.objects.filter(
            claimant_id__in=ids, counter="inpatient_paid", amount__gt=0
        ).exists()
        one_by_one = amounts(ids)
        settlement_db._reset_settlements(ids)
        assert settlement_db._timed(settlement_db.settle_in_batches, settlement_db._visits(ids)) > 0
        assert amounts(ids) == one_by_one  # the batch stores what settling one by one stored
    finally:
        settlement_db._cleanup(state)
    assert not Settlement.objects.filter(claimant_id__in=ids).exists()
