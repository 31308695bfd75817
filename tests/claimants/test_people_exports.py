"""Exports of the list of people: masked numbers for every role, full numbers only with a purpose, both
audited; a filter the list refuses refuses the export; names written as text, never as formulas."""

import csv
import datetime as dt
import io

import pytest
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from claimants.models import AuditLog
from tests.claimants.support import township

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_exports_are_masked_for_every_role_give_the_birth_year_and_are_audited(
    client, caseworker, reviewer, claimant_factory
):
    person = claimant_factory(name="导出人", birth_date=dt.date(1966, 3, 7))
    for user in (caseworker, reviewer):
        client.force_login(user)
        rows = _csv(client.get(reverse("claimants:export", args=["csv"])))
        assert rows[0][:4] == ["姓名", "身份证号", "性别", "出生年份"]
        assert rows[1][1:4] == [person.masked_id_number, person.get_sex_display(), "1966"]
        assert "1966-03-07" not in str(rows)
        sheet = load_workbook(
            io.BytesIO(client.get(reverse("claimants:export", args=["xlsx"])).content)
        ).active
        assert (sheet.cell(2, 2).value, sheet.cell(2, 4).value) == (person.masked_id_number, 1966)
    logs = AuditLog.objects.order_by("id")
    assert [(log.action, log.detail["rows"], log.detail["claimant_ids"]) for log in logs] == [
        ("export_masked", 1, [person.pk])
    ] * 4
    assert {log.detail["format"] for log in logs} == {"csv", "xlsx"}


def test_a_full_number_export_asks_for_a_purpose_and_audits_the_people(
    client, reviewer, caseworker, manager, claimant_factory
):
    person = claimant_factory(name="核对人")
    claimant_factory(name="别人", hukou_region=township("510704001"))
    url = f"{reverse('claimants:export_full')}?region=510703"
    for user in (caseworker, manager):  # reveal one number, audited; never a list of them
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert "1 人的完整身份证号" in page
    assert "记入审计日志" in page
    response = client.post(url, {"purpose": "", "format": "xlsx"})
    assert response.status_code == 200
    assert "导出用途" in response.content.decode()
    assert not AuditLog.objects.exists()
    response = client.post(url, {"purpose": "与医保信息平台核对三月结算名单", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[:2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [("核对人", person.id_number)]
    log = AuditLog.objects.get()
    assert (log.action, log.user, log.detail["purpose"]) == (
        "export_full_id",
        reviewer,
        "与医保信息平台核对三月结算名单",
    )
    assert (log.detail["rows"], log.detail["claimant_ids"], log.detail["filters"]) == (
        1,
        [person.pk],
        {"region": "510703"},
    )


@pytest.mark.parametrize(
    "query",
    [{"category": "zzz"}, {"region": "110101"}, {"scheme": "x"}, {"q": "19660307"}],
    ids=["unknown-category", "region-outside", "unknown-scheme", "id-fragment"],
)
def test_an_export_with_a_filter_the_list_refuses_is_refused(client, reviewer, claimant_factory, query):
    claimant_factory()
    client.force_login(reviewer)
    assert client.get(reverse("claimants:list"), query).context["table"].page.object_list == []
    for response in (
        client.get(reverse("claimants:export", args=["csv"]), query),
        client.post(
            f"{reverse('claimants:export_full')}?{_query(query)}",
            {"purpose": "核对名单用途", "format": "csv"},
        ),
    ):
        assert response.status_code == 400
        assert "筛选条件无效" in response.content.decode()
    assert not AuditLog.objects.exists()


def _query(params) -> str:
    query = QueryDict(mutable=True)
    query.update(params)
    return query.urlencode()


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "＝1+1"])
def test_claimant_exports_write_names_as_text_never_as_formulas(client, reviewer, claimant_factory, name):
    claimant_factory(name=name)
    client.force_login(reviewer)
    rows = _csv(client.get(reverse("claimants:export", args=["csv"])))
    assert rows[1][0] == "'" + name
    cell = load_workbook(io.BytesIO(client.get(reverse("claimants:export", args=["xlsx"])).content)).active[
        "A2"
    ]
    assert (cell.value, cell.data_type) == (name, "s")
