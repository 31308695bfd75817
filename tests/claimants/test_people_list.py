import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from claimants import paging, services, timeline
from claimants.errors import ClaimantError
from claimants.models import AuditLog, Certification, Claimant, Household, Region
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def township(code="510703001"):
    return Region.objects.get(code=code)


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


def test_detail_reveals_full_number_only_on_post_and_audits_it(client, caseworker, claimant_factory):
    person = claimant_factory()
    client.force_login(caseworker)
    assert person.id_number not in client.get(person.get_absolute_url()).content.decode()
    assert client.get(reverse("claimants:reveal_id", args=[person.pk])).status_code == 405
    page = client.post(reverse("claimants:reveal_id", args=[person.pk])).content.decode()
    assert person.id_number in page
    log = AuditLog.objects.get()
    assert (log.action, log.target_id, log.user) == ("reveal_id_number", str(person.pk), caseworker)


def test_registration_form_derives_sex_and_birth_date_and_rejects_bad_or_duplicate_numbers(
    client, caseworker, claimant_factory
):
    client.force_login(caseworker)
    data = {
        "name": "新登记",
        "id_number": "510703199101010071",
        "hukou_region": "510703001",
        "insured_region": "510703001",
        "scheme": "resident",
    }
    response = client.post(reverse("claimants:create"), data)
    person = Claimant.objects.get(name="新登记")
    assert response["Location"] == person.get_absolute_url()
    assert (person.sex, person.birth_date) == ("M", dt.date(1991, 1, 1))

    response = client.post(reverse("claimants:create"), data)
    assert "该身份证号已在您的管辖范围内登记" in response.content.decode()
    response = client.post(reverse("claimants:create"), {**data, "id_number": "510703199101010072"})
    assert "校验位错误" in response.content.decode()


def test_region_chooser_offers_only_the_users_subtree(client, caseworker):
    client.force_login(caseworker)
    form = client.get(reverse("claimants:create")).context["form"]
    assert {r.code for r in form.fields["hukou_region"].queryset} == {"510703001"}
    data = {
        "name": "外",
        "id_number": "510703199101010071",
        "hukou_region": "510704001",
        "insured_region": "510703001",
        "scheme": "resident",
    }
    assert client.post(reverse("claimants:create"), data).status_code == 200
    assert not Claimant.objects.exists()


def test_edit_records_history_with_old_and_new_values_shown_on_the_page(client, caseworker, claimant_factory):
    person = services.register_claimant(
        by=caseworker,
        name="改名前",
        id_number="510703199101010071",
        hukou_region=township(),
        insured_region=township(),
        scheme="resident",
    )
    client.force_login(caseworker)
    data = {
        "name": "改名后",
        "phone": "13800000000",
        "hukou_region": "510703001",
        "insured_region": "510703001",
        "scheme": "employee",
    }
    assert client.post(reverse("claimants:update", args=[person.pk]), data).status_code == 302
    page = client.get(person.get_absolute_url()).content.decode()
    assert "改名前" in page
    assert "改名后" in page
    assert "职工医保" in page
    assert "登记信息修改" in page  # timeline entry


def test_household_with_members_and_one_head(caseworker, claimant_factory):
    household = services.create_household(by=caseworker, region=township(), address="一号")
    head, child = claimant_factory(), claimant_factory()
    services.set_membership(claimant=head, by=caseworker, household=household, relation_to_head="head")
    services.set_membership(claimant=child, by=caseworker, household=household, relation_to_head="child")
    with pytest.raises(DomainError) as excinfo:
        services.set_membership(claimant=child, by=caseworker, household=household, relation_to_head="head")
    assert excinfo.value.code == ClaimantError.HOUSEHOLD_HAS_HEAD
    assert set(household.members.values_list("relation_to_head", flat=True)) == {"head", "child"}


def test_household_pages_add_and_remove_members(client, caseworker, claimant_factory):
    client.force_login(caseworker)
    client.post(reverse("claimants:household_create"), {"region": "510703001", "address": "九号"})
    household = Household.objects.get(address="九号")
    person = claimant_factory()
    client.post(
        reverse("claimants:household_member_add", args=[household.pk]),
        {"claimant": person.pk, "relation_to_head": "head"},
    )
    person.refresh_from_db()
    assert person.household == household
    assert "家庭关系变更" in client.get(person.get_absolute_url()).content.decode()
    client.post(reverse("claimants:household_member_remove", args=[household.pk, person.pk]))
    person.refresh_from_db()
    assert person.household is None


def test_civil_officer_certifies_and_revokes_with_history(client, civil_officer, claimant_factory):
    person = claimant_factory()
    client.force_login(civil_officer)
    response = client.post(
        reverse("claimants:certification_create", args=[person.pk]),
        {"category": "dibao", "valid_from": "2023-01-01", "certificate_number": "DB1"},
    )
    assert response.status_code == 302
    cert = person.certifications.get()
    assert (cert.department, cert.created_by) == ("civil_affairs", civil_officer)
    client.post(reverse("claimants:certification_revoke", args=[cert.pk]), {"reason": "收入超标"})
    cert.refresh_from_db()
    assert cert.status == Certification.Status.REVOKED
    page = client.get(person.get_absolute_url()).content.decode()
    assert "撤销认定：低保对象" in page
    assert "收入超标" in page


def test_rural_officer_may_not_certify_civil_affairs_categories(
    rural_officer, civil_officer, claimant_factory
):
    person = claimant_factory()
    with pytest.raises(DomainError) as excinfo:
        services.certify(by=rural_officer, claimant=person, category="dibao", valid_from=dt.date(2023, 1, 1))
    assert excinfo.value.code == ClaimantError.NOT_CERTIFYING_DEPARTMENT
    cert = services.certify(
        by=rural_officer, claimant=person, category="monitored_rural", valid_from=dt.date(2023, 1, 1)
    )
    assert cert.department == "rural_revitalization"
    with pytest.raises(DomainError):
        services.revoke_certification(certification=cert, by=civil_officer, reason="x")


def test_overlapping_certification_of_the_same_category_is_refused(civil_officer, claimant_factory):
    person = claimant_factory()
    services.certify(
        by=civil_officer,
        claimant=person,
        category="dibao",
        valid_from=dt.date(2023, 1, 1),
        valid_to=dt.date(2023, 12, 31),
    )
    with pytest.raises(DomainError) as excinfo:
        services.certify(by=civil_officer, claimant=person, category="dibao", valid_from=dt.date(2023, 6, 1))
    assert excinfo.value.code == ClaimantError.OVERLAPPING_CERTIFICATION
    services.certify(by=civil_officer, claimant=person, category="dibao", valid_from=dt.date(2024, 1, 1))
    services.certify(by=civil_officer, claimant=person, category="destitute", valid_from=dt.date(2023, 6, 1))


def test_certification_list_shows_expired_from_dates(client, manager, certification_factory):
    certification_factory(
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1), certificate_number="OLD"
    )
    certification_factory(certificate_number="NOW")
    client.force_login(manager)
    page = client.get(reverse("claimants:certification_list"), {"status": "expired"}).content.decode()
    assert "OLD" in page
    assert "NOW" not in page
    assert "已到期" in page


def test_timeline_collects_entries_of_registered_providers(client, caseworker, claimant_factory):
    person = claimant_factory()

    def visits(claimant, user):
        return [timeline.TimelineEntry(dt.date(2023, 5, 1), "visit", "住院：测试医院", url="/v/1/")]

    timeline.PROVIDERS.connect(visits)
    client.force_login(caseworker)
    try:
        page = client.get(person.get_absolute_url()).content.decode()
        assert "住院：测试医院" in page
    finally:
        timeline.PROVIDERS.disconnect(visits)


def test_the_detail_page_shows_the_birth_year_and_age_beside_a_masked_number(
    client, caseworker, claimant_factory
):
    person = claimant_factory(birth_date=dt.date(1966, 3, 7))
    client.force_login(caseworker)
    page = client.get(person.get_absolute_url()).content.decode()
    assert person.masked_id_number in page
    assert "1966" in page
    assert "1966-03-07" not in page
    assert f"{person.age_on(dt.date.today())} 岁" in page
    revealed = client.post(reverse("claimants:reveal_id", args=[person.pk])).content.decode()
    assert "1966-03-07" in revealed


def test_the_list_shows_the_birth_year_not_the_date(client, caseworker, claimant_factory):
    claimant_factory(birth_date=dt.date(1966, 3, 7))
    client.force_login(caseworker)
    response = client.get(reverse("claimants:list"))
    assert "出生年份" in response.content.decode()
    rows = response.context["table"].rows_html()
    assert "<td>1966</td>" in rows
    assert "1966-03-07" not in rows


def test_the_change_history_names_people_and_places_not_row_ids(
    client, civil_officer, caseworker, claimant_factory
):
    from claimants.services import certify

    person = claimant_factory()
    certify(by=civil_officer, claimant=person, category="dibao", valid_from=dt.date(2023, 1, 1))
    client.force_login(caseworker)
    page = client.get(person.get_absolute_url())
    rows = [change for change in page.context["certification_history"] for change in change.changes]
    created_by = next(new for label, _old, new in rows if label == "录入人")
    assert created_by == (civil_officer.get_full_name() or civil_officer.username)
    assert created_by != str(civil_officer.pk)


def test_cancel_on_a_form_goes_back_to_the_page_the_user_came_from_on_this_site_only(
    client, caseworker, claimant_factory
):
    person = claimant_factory()
    client.force_login(caseworker)
    edit = reverse("claimants:update", args=[person.pk])
    came_from = client.get(
        edit, HTTP_REFERER=f"http://testserver{person.get_absolute_url()}"
    ).content.decode()
    assert f'href="http://testserver{person.get_absolute_url()}">取消' in came_from
    elsewhere = client.get(edit, HTTP_REFERER="https://evil.example/phish").content.decode()
    assert f'href="{reverse("claimants:list")}">取消' in elsewhere
    assert "javascript:" not in elsewhere


def test_the_administrators_workbench_leads_to_policy_years_and_system_administration(client, make_staff):
    from claimants.admin_access import sync_staff_access

    admin = make_staff("system_administrator", "5107", username="my_admin_wb")
    sync_staff_access(admin)
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("settlements:policy_year_list")}"' in page
    assert f'href="{reverse("admin:index")}"' in page
    caseworker = make_staff("township_caseworker", "510703001", username="cw_wb")
    client.force_login(caseworker)
    page = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") not in page
