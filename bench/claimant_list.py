"""Claimant list speed: 1,000,000 claimants (COPY), the real list view as a city-level user.

Scenarios: unfiltered and filtered by a township, the first page, the last numbered page (at the count
cap) and a keyset page deep in the table (the "next" link from the middle of the million), sorted by
name, name search and ID-fragment search. Reports ``p95_ms`` over all requests and
``queries_per_page`` (the same whatever the page size or depth). Rows are removed afterwards.
"""

import datetime as dt
import random
import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import progress
from claimants import idnumbers, paging
from claimants.divisions import load_divisions
from claimants.models import Claimant, Region, User
from core.roles import Role

SIZES = {"small": 100_000, "full": 1_000_000}
COUNTY = "510781"  # 江油市 in the ID numbers: apart from the certification_import benchmark's persons
REPEAT = 15
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建华文玉红梅志永德海燕春雪林国庆淑珍"


def generate(count: int, townships: list[str]) -> None:
    """COPY ``count`` claimants spread over ``townships`` and refresh the planner's statistics."""
    rng = random.Random(7)
    base = dt.date(1901, 1, 1)
    now = dt.datetime.now(dt.UTC)
    columns = (
        "name, id_number, sex, birth_date, phone, hukou_region_id, insured_region_id, residence, scheme, "
        "relation_to_head, created_at"
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY claimants_claimant ({columns}) FROM STDIN") as copy,
    ):
        for i in range(count):
            birth = base + dt.timedelta(days=i // 1000)
            region = townships[i % len(townships)]
            number = idnumbers.build(COUNTY, birth, i % 1000)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 2 else "")
            sex = "M" if int(number[16]) % 2 else "F"
            copy.write_row((name, number, sex, birth, "", region, region, "", "resident", "", now))
            if i and i % 200_000 == 0:
                progress(f"  {i:,} rows")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claimants_claimant")


def run(scale: str) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("claimant_list needs PostgreSQL: set DATABASE_URL")
    count = SIZES[scale]
    if not Region.objects.filter(code="510703001").exists():
        progress("loading Mianyang regions")
        load_divisions(settings.SHARED_DIR / "data" / "divisions", only=("5107",))
    townships = list(
        Region.objects.filter(code__startswith="5107", level=Region.Level.TOWNSHIP).values_list(
            "code", flat=True
        )
    )
    before = Claimant.objects.order_by("-id").values_list("id", flat=True).first() or 0
    user = User.objects.create(username="bench_claimant_list", role=Role.MANAGER, region_id="5107")
    try:
        progress(f"COPY {count:,} claimants")
        started = time.perf_counter()
        generate(count, townships)
        with connection.cursor() as cursor:  # the visibility map autovacuum would set: index-only counts
            cursor.execute("VACUUM claimants_claimant")
        progress(f"  loaded in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(user)
        township = townships[0]
        last = paging.COUNT_CAP // settings.JIUZHU_LIST_PAGE_SIZE
        middle = Claimant.objects.filter(id__gt=before).order_by("id")[count // 2]
        township_middle = Claimant.objects.filter(id__gt=before, hukou_region_id=township).order_by("id")
        township_middle = township_middle[township_middle.count() // 2]
        scenarios = {
            "unfiltered_first": {},
            "unfiltered_last_numbered": {"page": last},
            "unfiltered_keyset_middle": {"after": paging.encode_cursor([middle.id])},
            "township_first": {"region": township},
            "township_keyset_middle": {
                "region": township,
                "after": paging.encode_cursor([township_middle.id]),
            },
            "sorted_by_name_keyset_middle": {
                "sort": "name",
                "after": paging.encode_cursor([middle.name, middle.id]),
            },
            "name_search": {"q": "王芳"},
            "name_search_3": {"q": "王秀英"},
            "id_number": {"q": middle.id_number},
            "big_page": {"per_page": 200, "page": 3},
        }
        timings, per_scenario, queries = [], {}, {}
        for label, params in scenarios.items():
            client.get("/claimants/", params)  # warm the plan cache
            samples = []
            for _ in range(REPEAT):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get("/claimants/", params)
                    samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (label, response.status_code)
            queries[label] = len(captured)
            per_scenario[label] = round(statistics.median(samples), 1)
            timings.extend(samples)
            progress(f"  {label}: median {per_scenario[label]} ms, {queries[label]} queries")
        timings.sort()
        return {
            "claimants": count,
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "queries_per_page": max(queries.values()),
            "queries_per_scenario": queries,
            "median_ms_per_scenario": per_scenario,
        }
    finally:
        progress("cleaning up")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM claimants_claimant WHERE id > %s", [before])
        user.delete()
