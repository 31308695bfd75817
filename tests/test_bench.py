"""The benchmarks' code paths at a tiny size, so they cannot rot (PostgreSQL only: they use COPY)."""

import pytest

from bench import certification_import, claimant_list
from claimants import imports
from claimants.models import Certification, Claimant, Region, Role
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
    certification_import.preregister(50, townships)
    content = certification_import.build_file(50, townships)
    batch = imports.commit(
        batch=imports.stage(kind=certification_import.KIND, file_name="b.csv", content=content, by=officer),
        by=officer,
    )
    assert (batch.rows_created, batch.persons_created) == (50, 25)
    assert Claimant.objects.count() == 50
    assert Certification.history.count() == 50


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
