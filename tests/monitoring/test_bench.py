"""The monitoring benchmark at a tiny size, so the generator and the timing code cannot rot."""

import pytest
from django.db import connection

from bench import monitoring as bench
from claimants.models import Certification, Claimant
from monitoring.models import HighCostAlert
from settlements.models import Visit
from tests.conftest import require_postgresql


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_benchmark_finds_the_same_people_as_the_bare_aggregate_and_cleans_up():
    require_postgresql()
    indexes_before = indexes()
    figures = bench.run("small", sizes=(3000, 30000))
    assert figures["people"] == 3000
    assert (figures["imported_records"], figures["persons_created"]) == (3000, 750)
    assert figures["import_rows_per_second"] > 0
    assert figures["write_floor_rows_per_second"] > 0
    assert figures["people_over_threshold"] > 0
    assert figures["alerts_written"] > figures["people_over_threshold"]
    assert figures["job_seconds"] > 0
    assert figures["bare_sql_seconds"] > 0
    assert figures["peak_rss_mb"] < 500
    assert figures["import_peak_rss_mb"] > 0
    assert not Claimant.objects.exists()
    assert not Visit.objects.exists()  # the bare write's copies too
    assert not HighCostAlert.objects.exists()
    assert not Certification.objects.exists()
    assert indexes() == indexes_before  # dropped for the load, built again after it


def indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename IN ('settlements_visit', 'claimants_claimant')"
        )
        return set(cursor.fetchall())
