"""The dashboard benchmark at a tiny size, so the generator and the timing code cannot rot."""

import pytest

from applications.models import AssistanceApplication
from bench import dashboard as bench
from claimants.models import Claimant
from monitoring.dashboards.models import (
    AlertRollup,
    ApplicationRollup,
    ApplicationStep,
    PersonYearRollup,
    SettlementRollup,
    StepRollup,
)
from settlements.models import Settlement, Visit
from tests.conftest import require_postgresql


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_benchmark_times_the_dashboard_over_loaded_data_and_cleans_up():
    require_postgresql()
    figures = bench.run("small", sizes=(3000, 30000), requests=4)
    assert figures["settlements"] > 0
    assert figures["applications"] > 0
    assert figures["alerts"] > 0
    assert figures["p95_ms"] > 0
    assert not Claimant.objects.exists()
    assert not Visit.objects.exists()
    assert not Settlement.objects.exists()
    assert not AssistanceApplication.objects.exists()
    assert not SettlementRollup.objects.exists()
    assert not PersonYearRollup.objects.exists()
    for rollup in (AlertRollup, ApplicationRollup, ApplicationStep, StepRollup):
        assert not rollup.objects.exists()
