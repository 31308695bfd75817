"""The benchmarks' code paths at a tiny size, so they cannot rot (PostgreSQL only: they use COPY)."""

import pytest

from bench import certification_import, claimant_list
from claimants.models import Certification, Claimant, Region
from core.roles import Role
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db


def test_certification_import_bench_core_imports_every_row(make_staff):
    require_postgresql()
    officer = make_staff(Role.CIVIL_AFFAIRS_OFFICER, "5107")
    townships = list(
        Region.objects.filter(code__startswith=certification_import.COUNTY, level=4).values_list(
            "code", flat=True
        )
    )
    certification_import.preregister(range(50), townships)
    certification_import.preregister(range(50, 80), townships)
    csv, _, _ = certification_import.timed_import(
        "b.csv", certification_import.build_file(range(50), townships), officer, 50
    )
    xlsx, _, _ = certification_import.timed_import(
        "b.xlsx", certification_import.build_workbook(range(50, 80), townships), officer, 30
    )
    assert (csv.rows_created, csv.persons_created) == (50, 25)
    assert (xlsx.rows_created, xlsx.persons_created) == (30, 15)
    assert Claimant.objects.count() == 80
    assert Certification.history.count() == 80


def test_claimant_list_bench_generator_loads_rows_the_list_shows(client, make_staff):
    require_postgresql()
    manager = make_staff(Role.MANAGER, "5107")
    townships = ["510703001", "510704001"]
    claimant_list.generate(40, townships)
    assert Claimant.objects.filter(hukou_region_id__in=townships).count() == 40
    client.force_login(manager)
    response = client.get("/claimants/", {"region": "510703001", "per_page": 5})
    table = response.context["table"]
    assert table.paginator.count == 20
    assert len(table.page.object_list) == 5
    assert table.page_links["next"]


def test_engine_bench_settles_its_whole_synthetic_population(monkeypatch):
    """Every generated person, in every installed city, settles: a category or parameter the benchmark's data
    lacks would stop ``python -m bench engine`` half-way."""
    from bench import engine

    monkeypatch.setitem(engine.SCALES, "tiny", 2_000)
    figures = engine.run("tiny")
    assert figures["visits"] == 2_000
    assert figures["visits_per_second"] > 0
