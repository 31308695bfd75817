"""The list of people: search by name or whole ID number, filters, sorting, and pages by key at the same
cost at any depth."""

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claimants import paging
from tests.claimants.support import township

pytestmark = pytest.mark.django_db


def test_list_searches_name_and_whole_id_number_and_masks_numbers(client, caseworker, claimant_factory):
    wang = claimant_factory(name="王小明")
    li = claimant_factory(name="李大红")
    client.force_login(caseworker)
    page = client.get(reverse("claimants:list"), {"q": "王小"}).content.decode()
    assert "王小明" in page
    page = client.get(reverse("claimants:list"), {"q": "小明"}).content.decode()
    assert "王小明" not in page  # a two-character fragment matches from the start of the name
    page = client.get(reverse("claimants:list"), {"q": "王小明"}).content.decode()
    assert "王小明" in page
    assert "李大红" not in page
    response = client.get(reverse("claimants:list"), {"q": li.id_number.lower()})
    rows = response.context["table"].rows_html()  # the search box shows what the user typed
    assert "李大红" in rows
    assert "王小明" not in rows
    assert li.masked_id_number in rows
    assert li.id_number not in rows
    # A fragment of a number would let anyone rebuild a masked number digit by digit from what it finds.
    response = client.get(reverse("claimants:list"), {"q": li.id_number[6:14]})
    assert list(response.context["table"].page.object_list) == []
    assert "请输入完整的18位号码" in response.content.decode()
    assert wang.id_number not in client.get(reverse("claimants:list")).content.decode()


def test_list_filters_by_region_subtree_category_in_force_and_scheme(
    client, manager, claimant_factory, certification_factory
):
    a = claimant_factory(name="城厢甲", hukou_region=township("510703001"))
    b = claimant_factory(name="游仙乙", hukou_region=township("510704001"), scheme="employee")
    certification_factory(claimant=a, category="dibao")
    certification_factory(claimant=b, category="dibao", valid_to=dt.date(2021, 1, 1))  # expired
    client.force_login(manager)

    def names(**params):
        response = client.get(reverse("claimants:list"), params)
        return {c.name for c in response.context["table"].page.object_list}

    assert names(region="510703") == {"城厢甲"}
    assert names(category="dibao") == {"城厢甲"}
    assert names(scheme="employee") == {"游仙乙"}
    assert names() == {"城厢甲", "游仙乙"}


def _page(client, params):
    response = client.get(reverse("claimants:list"), params)
    table = response.context["table"]
    return [c.name for c in table.page.object_list], table.page_links


def _follow(client, link):
    return _page(client, QueryDict(link.lstrip("?")))


def test_list_sorts_and_pages_by_key_with_the_same_queries_at_any_depth_and_size(
    client, caseworker, claimant_factory, certification_factory
):
    people = [claimant_factory(name=f"张{i % 4}") for i in range(30)]  # names repeat: the id breaks ties
    for p in people[:10]:
        certification_factory(claimant=p)
    expected = [p.name for p in sorted(people, key=lambda p: (p.name, p.pk))]
    client.force_login(caseworker)
    client.get(reverse("claimants:list"))  # region choices are cached per process after the first page
    counts = []
    with CaptureQueriesContext(connection) as first:
        names, links = _page(client, {"sort": "name", "per_page": 7})
    counts.append(len(first))
    seen = list(names)
    while links["next"]:
        with CaptureQueriesContext(connection) as deeper:
            names, links = _follow(client, links["next"])
        counts.append(len(deeper))
        seen += names
    assert seen == expected
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("claimants:list"), {"per_page": 100, "q": "张"})
    counts.append(len(big))
    assert len(set(counts)) == 1
    assert counts[0] <= 8  # 7 + the application queue count in the navigation


def test_previous_link_returns_the_page_before(client, caseworker, claimant_factory):
    claimant_factory.create_batch(9)
    client.force_login(caseworker)
    first, links = _page(client, {"per_page": 4})
    second, links = _follow(client, links["next"])
    third, links = _follow(client, links["next"])
    assert len(third) == 1
    assert _follow(client, links["previous"])[0] == second
    assert _follow(client, _follow(client, links["previous"])[1]["previous"])[0] == first


def test_pages_go_on_by_key_past_the_count_cap(monkeypatch, client, caseworker, claimant_factory):
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    people = claimant_factory.create_batch(7)
    client.force_login(caseworker)
    response = client.get(reverse("claimants:list"), {"per_page": 2})
    paginator = response.context["table"].paginator
    assert paginator.capped
    assert "超过 10,000 人" in response.content.decode()
    names, links = _page(client, {"per_page": 2})
    assert links["last"] == ""  # the last page is unknown past the cap: only "next" goes on
    seen = list(names)
    while links["next"]:
        names, links = _follow(client, links["next"])
        seen += names
    assert seen == [p.name for p in sorted(people, key=lambda p: -p.pk)]


def test_a_cursor_that_is_not_ours_shows_the_first_page(client, caseworker, claimant_factory):
    claimant_factory.create_batch(3)
    client.force_login(caseworker)
    assert len(_page(client, {"after": "not-a-cursor"})[0]) == 3


def test_the_list_shows_the_birth_year_not_the_date(client, caseworker, claimant_factory):
    claimant_factory(birth_date=dt.date(1966, 3, 7))
    client.force_login(caseworker)
    response = client.get(reverse("claimants:list"))
    assert "出生年份" in response.content.decode()
    rows = response.context["table"].rows_html()
    assert "<td>1966</td>" in rows
    assert "1966-03-07" not in rows
