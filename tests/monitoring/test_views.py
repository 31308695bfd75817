"""The monitoring pages as each role uses them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from claimants.models import AuditLog
from core.roles import Department
from monitoring import services
from monitoring.models import AlertRun, HighCostAlert, PushBatch

pytestmark = pytest.mark.django_db

MARCH = dt.date(2023, 3, 1)


@pytest.fixture
def month(mianyang_2023, person_with_costs):
    people = [person_with_costs("20000.00") for _ in range(3)] + [
        person_with_costs("20000.00", hukou="510704001")
    ]
    services.run_monthly_alerts(period=MARCH)
    return people


def test_department_officer_sees_only_their_queue(client, month, civil_officer):
    client.force_login(civil_officer)
    response = client.get(reverse("monitoring:alert_list"))
    assert response.status_code == 200
    rows = response.context["table"].data
    assert len(rows) == 4
    assert {a.department for a in rows} == {Department.CIVIL_AFFAIRS}
    assert month[0].masked_id_number.encode() in response.content
    assert month[0].id_number.encode() not in response.content


def test_workbench_and_menu_count_the_alerts_waiting_for_an_answer(client, month, civil_officer, reviewer):
    client.force_login(civil_officer)
    home = client.get(reverse("home"))
    entry = next(item for item in home.context["nav_items"] if item["name"] == "monitoring:alert_list")
    assert entry["count"] == 4
    assert "待办 4 件" in home.content.decode()
    alert = HighCostAlert.objects.filter(department=Department.CIVIL_AFFAIRS).first()
    services.record_feedback(alert=alert, by=civil_officer, result="no_risk")
    home = client.get(reverse("home"))
    assert "待办 3 件" in home.content.decode()
    client.force_login(reviewer)  # medical security reads the list but has nothing to answer
    entry = next(
        item
        for item in client.get(reverse("home")).context["nav_items"]
        if item["name"] == "monitoring:alert_list"
    )
    assert entry["count"] is None


def test_officer_filters_the_queue_by_feedback(client, month, civil_officer):
    answered = HighCostAlert.objects.filter(department=Department.CIVIL_AFFAIRS).first()
    services.record_feedback(alert=answered, by=civil_officer, result="no_risk")
    client.force_login(civil_officer)
    url = reverse("monitoring:alert_list")

    pending = client.get(url, {"feedback": "pending"})
    done = client.get(url, {"feedback": "answered"})

    assert len(pending.context["table"].data) == 3
    assert [a.pk for a in done.context["table"].data] == [answered.pk]
    page = pending.content.decode()
    assert '<option value="pending" selected>未反馈</option>' in page
    assert '<option value="answered">已反馈</option>' in page
    assert "未知" not in page


def test_alert_list_names_the_category_held(
    client, mianyang_2023, person_with_costs, certification_factory, civil_officer
):
    person = person_with_costs("20000.00")
    certification_factory(claimant=person, category="monitored_rural")
    services.run_monthly_alerts(period=MARCH)
    client.force_login(civil_officer)
    page = client.get(reverse("monitoring:alert_list")).content.decode()
    assert "<td >防止返贫监测对象</td>" in page
    assert "monitored_rural</td>" not in page


def test_county_officer_sees_only_their_county(client, month, make_staff):
    client.force_login(make_staff("rural_revitalization_officer", "510704"))
    rows = client.get(reverse("monitoring:alert_list")).context["table"].data
    assert [a.claimant_id for a in rows] == [month[3].pk]
    other = HighCostAlert.objects.filter(county_id="510703").first()
    assert client.get(reverse("monitoring:alert_detail", args=[other.pk])).status_code == 404


def test_alert_amounts_are_grouped_by_thousands_in_the_list_and_on_the_page(client, month, civil_officer):
    alert = HighCostAlert.objects.get(claimant=month[0], department=Department.CIVIL_AFFAIRS)
    client.force_login(civil_officer)

    listing = client.get(reverse("monitoring:alert_list")).content.decode()
    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()

    for text in (listing, page):
        assert f"{alert.amount:,.2f}" in text
        assert "16,500.00" in text
        assert "16500.00" not in text


def test_the_alert_page_links_to_the_person_and_to_the_visits_behind_the_amount(
    client, month, reviewer, visit_factory
):
    person = month[0]
    earlier = visit_factory(claimant=person, admitted=dt.date(2022, 5, 1), discharged=dt.date(2022, 5, 3))
    alert = HighCostAlert.objects.get(claimant=person, department=Department.CIVIL_AFFAIRS)
    client.force_login(reviewer)

    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()

    assert f'<a href="{person.get_absolute_url()}" data-link="person">{person.name}</a>' in page
    visits_url = f"{reverse('settlements:visit_list')}?claimant={person.pk}&amp;year=2023"
    assert f'<a href="{visits_url}" data-link="visits">2023年度就医记录</a>' in page
    listing = client.get(reverse("settlements:visit_list"), {"claimant": person.pk, "year": 2023})
    shown = list(listing.context["table"].data)
    assert shown
    assert {visit.claimant_id for visit in shown} == {person.pk}
    assert earlier not in shown
    assert sum(v.policy_scope_cost - v.basic_insurance_paid for v in shown) == alert.amount
    assert listing.context["person"] == person


def test_an_officer_is_linked_to_the_person_but_not_to_the_visit_list_they_may_not_open(
    client, month, civil_officer
):
    alert = HighCostAlert.objects.get(claimant=month[0], department=Department.CIVIL_AFFAIRS)
    client.force_login(civil_officer)

    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()

    assert 'data-link="person"' in page
    assert 'data-link="visits"' not in page
    assert client.get(month[0].get_absolute_url()).status_code == 200
    assert client.get(reverse("settlements:visit_list")).status_code == 403


def test_no_link_to_a_person_now_registered_outside_the_viewers_region(client, month, make_staff):
    from claimants.models import Claimant, Region

    alert = HighCostAlert.objects.get(claimant=month[0], department=Department.CIVIL_AFFAIRS)
    Claimant.objects.filter(pk=month[0].pk).update(hukou_region=Region.objects.get(code="510704001"))
    reviewer = make_staff("medical_security_reviewer", "510703")
    client.force_login(reviewer)

    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()

    assert 'data-link="person"' not in page
    assert 'data-link="visits"' not in page
    assert client.get(month[0].get_absolute_url()).status_code == 404
    listing = client.get(reverse("settlements:visit_list"), {"claimant": month[0].pk, "year": 2023})
    assert list(listing.context["table"].data) == []


def _answer(client, alert):
    return client.post(
        reverse("monitoring:alert_detail", args=[alert.pk]), {"result": "no_risk", "reason": "经核实"}
    )


def test_after_an_answer_the_next_alert_of_the_queue_opens_until_none_is_left(client, month, civil_officer):
    queue = list(
        HighCostAlert.objects.filter(department=Department.CIVIL_AFFAIRS).order_by(
            "-period", "county_id", "claimant_id", "pk"
        )
    )
    assert len(queue) == 4
    client.force_login(civil_officer)

    # From the second: the third, the fourth, then back to the first one left.
    to_third = _answer(client, queue[1])
    to_fourth = _answer(client, queue[2])
    to_first = _answer(client, queue[3])
    page = client.get(to_first.url).content.decode()
    done = _answer(client, queue[0])

    assert to_third.url == reverse("monitoring:alert_detail", args=[queue[2].pk])
    assert to_fourth.url == reverse("monitoring:alert_detail", args=[queue[3].pk])
    assert to_first.url == reverse("monitoring:alert_detail", args=[queue[0].pk])
    assert "反馈已提交。下一条待反馈预警如下（还有 1 条）。" in page
    assert done.url == reverse("monitoring:alert_list")
    assert "您的预警均已反馈" in client.get(done.url).content.decode()
    assert not HighCostAlert.objects.filter(department=Department.CIVIL_AFFAIRS, result="").exists()


def test_the_next_alert_stays_in_the_officers_own_queue(client, month, make_staff):
    officer = make_staff("civil_affairs_officer", "510704")
    [own] = HighCostAlert.objects.filter(department=Department.CIVIL_AFFAIRS, county_id="510704")
    client.force_login(officer)

    response = _answer(client, own)

    # The other county's alerts and the other department's are no part of this officer's queue.
    assert response.url == reverse("monitoring:alert_list")
    assert HighCostAlert.objects.filter(department=Department.CIVIL_AFFAIRS, result="").count() == 3
    assert HighCostAlert.objects.filter(department=Department.RURAL_REVITALIZATION, result="").exists()


def test_caseworker_gets_403(client, month, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("monitoring:alert_list")).status_code == 403


def test_alert_list_queries_do_not_grow_with_rows(client, month, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)
    with django_assert_max_num_queries(9):  # + the applications inbox badge in the navigation
        response = client.get(reverse("monitoring:alert_list"), {"month": "2023-03", "feedback": "pending"})
    assert len(response.context["table"].page.object_list) == 8


def test_officer_answers_from_the_alert_page(client, month, civil_officer):
    alert = HighCostAlert.objects.get(claimant=month[0], department=Department.CIVIL_AFFAIRS)
    client.force_login(civil_officer)
    url = reverse("monitoring:alert_detail", args=[alert.pk])
    refused = client.post(url, {"result": "certified", "category": "", "valid_from": ""})
    assert refused.status_code == 400
    assert "请选择认定的救助身份类别及生效日期" in refused.content.decode()
    response = client.post(url, {"result": "certified", "category": "dibao", "valid_from": "2023-04-01"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.certification.category == "dibao"


def test_the_answer_to_an_alert_is_never_preselected(client, month, civil_officer):
    alert = HighCostAlert.objects.get(claimant=month[0], department=Department.CIVIL_AFFAIRS)
    client.force_login(civil_officer)
    url = reverse("monitoring:alert_detail", args=[alert.pk])
    page = client.get(url).content.decode()
    assert 'value="" selected' in page.split('name="result"')[1].split("</select>")[0]
    refused = client.post(url, {"result": "", "reason": ""})
    assert refused.status_code == 400
    assert "请选择核实结果" in refused.content.decode()
    alert.refresh_from_db()
    assert not alert.result


def test_reviewer_sees_people_certified_from_alerts_with_their_visits(client, month, civil_officer, reviewer):
    alert = HighCostAlert.objects.get(claimant=month[0], department=Department.CIVIL_AFFAIRS)
    services.record_feedback(
        alert=alert, by=civil_officer, result="certified", category="dibao", valid_from=dt.date(2023, 4, 1)
    )
    client.force_login(reviewer)
    response = client.get(reverse("monitoring:certified_list"))
    assert list(response.context["object_list"]) == [alert]
    assert "低保对象" in response.content.decode()
    assert "2023-03-15" in response.content.decode()


def test_metrics_count_pushed_answered_overdue_and_certified(client, month, civil_officer, manager):
    alerts = HighCostAlert.objects.filter(department=Department.CIVIL_AFFAIRS).order_by("pk")
    services.record_feedback(
        alert=alerts[0],
        by=civil_officer,
        result="certified",
        category="dibao",
        valid_from=dt.date(2023, 4, 1),
    )
    HighCostAlert.objects.filter(pk=alerts[1].pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    client.force_login(manager)
    metrics = client.get(reverse("monitoring:overview")).context["metrics"]
    assert (metrics["pushed"], metrics["answered"], metrics["overdue"], metrics["certified"]) == (8, 1, 1, 1)


def test_manager_runs_now_and_the_page_polls_progress(
    client, mianyang_2023, person_with_costs, manager, django_capture_on_commit_callbacks
):
    person_with_costs("20000.00")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:run_start"), {"period": "2023-03"})
    run = AlertRun.objects.get()
    assert response.status_code == 302
    progress = client.get(reverse("monitoring:run_progress", args=[run.pk])).json()
    # No broker configured: the fan-out ran in-process before the redirect.
    assert progress["status"] == "finished", progress
    assert progress["percent"] == 100
    assert (progress["hits"], progress["pushed"]) == (1, 2)
    assert run.started_by == manager
    page = client.get(reverse("monitoring:overview")).content.decode()
    assert reverse("monitoring:run_progress", args=[run.pk]) in page
    assert 'data-percent="100"' in page  # drawn by js/run_progress.js: the CSP forbids inline styles
    assert "js/run_progress.js" in page


def test_run_now_is_for_managers_only(client, mianyang_2023, reviewer):
    client.force_login(reviewer)
    assert client.post(reverse("monitoring:run_start"), {"period": "2023-03"}).status_code == 403


def test_run_now_refuses_a_bad_month(client, mianyang_2023, manager):
    client.force_login(manager)
    response = client.post(reverse("monitoring:run_start"), {"period": "March"}, follow=True)
    assert "请按“年-月”填写" in response.content.decode()
    assert not AlertRun.objects.exists()


def test_batch_download_has_full_ids_for_officers_and_is_audited(client, month, civil_officer):
    batch = PushBatch.objects.get(region_id="510703")
    client.force_login(civil_officer)
    response = client.get(reverse("monitoring:batch_download", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "身份证号", "户籍所在地", "参保地", "年度累计自付费用")
    assert {r[1] for r in rows[1:]} == {c.id_number for c in month[:3]}
    assert Decimal(str(rows[1][4])) == Decimal("20000.00")
    assert AuditLog.objects.filter(user=civil_officer, action="export_full_id_numbers").count() == 1


def test_batch_download_writes_names_as_text_never_as_formulas(client, month, civil_officer):
    month[0].name = "=SUM(1+1)*cmd"
    month[0].save()
    client.force_login(civil_officer)
    batch = PushBatch.objects.get(region_id="510703")
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("monitoring:batch_download", args=[batch.pk])).content)
    ).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert ("=SUM(1+1)*cmd", "s") in {(cell.value, cell.data_type) for cell in cells}
    assert all(cell.data_type == "s" for cell in cells)
    log = AuditLog.objects.get(action="export_full_id_numbers")
    assert (log.detail["rows"], sorted(log.detail["claimant_ids"])) == (3, sorted(c.pk for c in month[:3]))


def test_batch_download_is_masked_for_managers(client, month, manager):
    batch = PushBatch.objects.get(region_id="510703")
    client.force_login(manager)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("monitoring:batch_download", args=[batch.pk])).content)
    ).active
    ids = {r[1] for r in list(sheet.iter_rows(values_only=True))[1:]}
    assert ids == {c.masked_id_number for c in month[:3]}
    assert not AuditLog.objects.exists()


def test_batch_list_shows_the_users_counties(client, month, make_staff):
    client.force_login(make_staff("civil_affairs_officer", "510704"))
    rows = client.get(reverse("monitoring:batch_list")).context["table"].data
    assert [b.region_id for b in rows] == ["510704"]


def test_the_alert_page_says_the_category_held_and_whether_the_person_is_new_this_month(
    client, mianyang_2023, person_with_costs, certification_factory, civil_officer
):
    marginal = person_with_costs("20000.00")
    certification_factory(claimant=marginal, category="marginal")
    services.run_monthly_alerts(period=MARCH)
    services.run_monthly_alerts(period=dt.date(2023, 4, 1))
    client.force_login(civil_officer)
    march, april = (
        HighCostAlert.objects.get(claimant=marginal, department="civil_affairs", period=period)
        for period in (MARCH, dt.date(2023, 4, 1))
    )
    first = client.get(reverse("monitoring:alert_detail", args=[march.pk])).content.decode()
    assert "低保边缘家庭成员" in first
    assert "本月新增" in first
    again = client.get(reverse("monitoring:alert_detail", args=[april.pk])).content.decode()
    assert "低保边缘家庭成员" in again
    assert "本月新增" not in again
