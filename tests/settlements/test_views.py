"""Screens for medical-security staff, through the test client as each role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from claimants.models import Region
from settlements.models import PolicyYear, Settlement, Visit
from settlements.services import settle_visit

D = Decimal


@pytest.fixture
def awaiting(mianyang_2023, certified, visit_factory):
    return visit_factory(claimant=certified("dibao"), policy_scope_cost=D("10000.00"))


@pytest.mark.django_db
def test_visit_list_shows_visits_awaiting_settlement_with_pinned_queries(
    client, reviewer, mianyang_2023, certified, visit_factory, django_assert_max_num_queries
):
    visits = [visit_factory(claimant=certified()) for _ in range(12)]
    settle_visit(visit=visits[0], by=reviewer)
    client.force_login(reviewer)

    with django_assert_max_num_queries(9):  # + the application queue count in the navigation
        response = client.get(reverse("settlements:visit_list"))

    assert response.status_code == 200
    rows = response.context["table"].page.object_list.data
    assert len(rows) == 11  # the settled one is not awaiting
    assert visits[1].claimant.id_number not in response.content.decode()  # masked


@pytest.mark.django_db
def test_visit_page_previews_every_tier_before_settling(client, reviewer, awaiting):
    client.force_login(reviewer)

    response = client.get(reverse("settlements:visit_detail", args=[awaiting.pk]))

    page = response.content.decode()
    for amount in ("1,137.50", "6,203.75", "2,658.75"):
        assert amount in page
    assert not Settlement.objects.exists()


@pytest.mark.django_db
def test_reviewer_settles_then_reverses_from_the_pages(client, reviewer, awaiting):
    client.force_login(reviewer)

    response = client.post(reverse("settlements:visit_settle", args=[awaiting.pk]))
    settlement = Settlement.objects.get(visit=awaiting)
    assert response.url == settlement.get_absolute_url()
    assert "6,203.75" in client.get(response.url).content.decode()

    client.post(reverse("settlements:settlement_reverse", args=[settlement.pk]), {"reason": "费用有误"})
    settlement.refresh_from_db()
    assert settlement.reversal_reason == "费用有误"

    response = client.post(reverse("settlements:visit_settle", args=[awaiting.pk]))
    assert Settlement.objects.filter(visit=awaiting, reversed_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_second_settlement_from_the_page_shows_the_refusal(client, reviewer, awaiting):
    client.force_login(reviewer)
    client.post(reverse("settlements:visit_settle", args=[awaiting.pk]))

    response = client.post(reverse("settlements:visit_settle", args=[awaiting.pk]), follow=True)

    assert "该就诊已结算" in response.content.decode()
    assert Settlement.objects.count() == 1


@pytest.mark.django_db
def test_manager_sees_but_cannot_settle(client, manager, awaiting):
    client.force_login(manager)

    assert client.get(reverse("settlements:visit_detail", args=[awaiting.pk])).status_code == 200
    assert client.post(reverse("settlements:visit_settle", args=[awaiting.pk])).status_code == 403
    assert not Settlement.objects.exists()


@pytest.mark.django_db
def test_caseworker_gets_403_and_other_region_gets_404(client, caseworker, make_staff, awaiting):
    client.force_login(caseworker)
    assert client.get(reverse("settlements:visit_list")).status_code == 403

    client.force_login(make_staff("medical_security_reviewer", "11"))
    assert client.get(reverse("settlements:visit_detail", args=[awaiting.pk])).status_code == 404
    assert client.post(reverse("settlements:visit_settle", args=[awaiting.pk])).status_code == 404


@pytest.mark.django_db
def test_settlement_list_filters_and_totals(
    client, reviewer, mianyang_2023, certified, visit_factory, django_assert_max_num_queries
):
    settlements = [
        settle_visit(visit=visit_factory(claimant=certified(), policy_scope_cost=D("10000.00")), by=reviewer)
        for _ in range(3)
    ]
    settle_visit(visit=visit_factory(claimant=certified("destitute")), by=reviewer)
    client.force_login(reviewer)

    with django_assert_max_num_queries(9):  # + the application queue count in the navigation
        response = client.get(reverse("settlements:settlement_list"), {"category": "dibao"})

    assert len(response.context["table"].page.object_list.data) == 3
    assert response.context["totals"]["medical_assistance"] == sum(
        s.tier("medical_assistance") for s in settlements
    )
    assert "18,611.25" in response.content.decode()  # 3 × 6203.75
    # Every total to the cent, whatever the database's SUM returns (SQLite: 30000 or 1734415.40000000).
    assert {str(total)[-3] for total in response.context["totals"].values()} == {"."}
    assert str(response.context["totals"]["policy_scope_cost"]) == "30000.00"


@pytest.mark.django_db
def test_ledger_page_shows_deductible_used_and_cap_left(
    client, reviewer, mianyang_2023, certified, visit_factory
):
    claimant = certified("marginal")  # deductible 10% of 33000.00 = 3300.00, 50%
    settle_visit(visit=visit_factory(claimant=claimant, policy_scope_cost=D("2000.00")), by=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("settlements:ledger", args=[claimant.pk, 2023]))

    inpatient = response.context["ledger"].pools[0]
    assert inpatient.deductible == D("3300.00")
    assert inpatient.deductible_used == D("2000.00")
    assert inpatient.paid == D("0.00")
    assert inpatient.cap_left == D("50000.00")


@pytest.mark.django_db
def test_reviewer_records_a_visit_and_bad_input_shows_a_form_error(
    client, reviewer, mianyang_2023, certified
):
    claimant = certified()
    client.force_login(reviewer)
    values = {
        "id_number": claimant.id_number,
        "visit_type": "inpatient",
        "admitted": "2023-04-01",
        "discharged": "2023-04-08",
        "referral": "referred",
        "in_city": "on",
        "total_cost": "9000.00",
        "policy_scope_cost": "9500.00",
        "basic_insurance_paid": "1000.00",
        "other_insurance_paid": "0",
        "fully_self_paid": "0",
    }

    response = client.post(reverse("settlements:visit_create"), values)
    assert "政策范围内费用不能高于医疗总费用" in response.content.decode()
    assert not Visit.objects.exists()

    response = client.post(reverse("settlements:visit_create"), values | {"policy_scope_cost": "8000.00"})
    visit = Visit.objects.get()
    assert response.url == reverse("settlements:visit_detail", args=[visit.pk])
    assert visit.discharged == dt.date(2023, 4, 8)


@pytest.mark.django_db
def test_sysadmin_edits_policy_year_and_bad_parameters_are_refused(
    client, sysadmin, reviewer, mianyang_2023, make_staff
):
    url = reverse("settlements:policy_year_edit", args=[mianyang_2023.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 403

    # An administrator of a place under the national guideline (a region of no city with rules of its own).
    Region.objects.filter(code="510704").update(jurisdiction="national")
    client.force_login(make_staff("system_administrator", "510704"))
    values = {
        "jurisdiction": "national",
        "year": "2023",
        "effective_from": "2023-01-01",
        "income_last_year": "30000.00",
        "assistance_annual_cap": "40000.00",
        "ratios__dibao": "0.60",
        "alert_threshold_rate": "0.5",
    }
    response = client.post(reverse("settlements:policy_year_create"), values)
    assert "0.70" in response.content.decode()
    assert not PolicyYear.objects.filter(jurisdiction="national").exists()

    response = client.post(reverse("settlements:policy_year_create"), values | {"ratios__dibao": "0.75"})
    assert response.status_code == 302
    assert PolicyYear.objects.get(jurisdiction="national").parameters["ratios"] == {"dibao": "0.75"}


@pytest.mark.django_db
def test_pages_speak_words_not_codes_and_the_settlement_list_fits(
    client, reviewer, mianyang_2023, claimant_factory, certified, visit_factory
):
    """The preview's reason and the explanation name things in words; the list keeps ten columns."""
    nobody = visit_factory(claimant=claimant_factory(), policy_scope_cost=D("5000.00"))
    client.force_login(reviewer)
    page = client.get(reverse("settlements:visit_detail", args=[nobody.pk])).content.decode()
    assert "原因：就诊期间无有效救助身份" in page
    assert "no_category" not in page
    settlement = settle_visit(visit=visit_factory(claimant=certified("dibao")), by=reviewer)
    page = client.get(reverse("settlements:statement", args=[settlement.pk])).content.decode()
    assert "适用救助身份：低保对象" in page
    assert "（dibao）" not in page
    listing = client.get(reverse("settlements:settlement_list"))
    assert len(listing.context["table"].columns) <= 10
    assert "救助合计" in listing.content.decode()


@pytest.mark.django_db
def test_money_and_closing_actions_ask_for_confirmation(client, reviewer, awaiting):
    client.force_login(reviewer)
    page = client.get(reverse("settlements:visit_detail", args=[awaiting.pk])).content.decode()
    assert "data-confirm=" in page
    assert "救助合计" in page.split("data-confirm=")[1][:200]
    assert "js/confirm.js" in page
    settlement = settle_visit(visit=awaiting, by=reviewer)
    page = client.get(reverse("settlements:settlement_detail", args=[settlement.pk])).content.decode()
    assert f"确认冲正结算号 {settlement.pk}" in page


@pytest.mark.django_db
def test_ledger_page_switches_between_the_persons_years_and_prints_without_navigation(
    client, reviewer, policy_year_factory, mianyang_2023, certified, visit_factory
):
    policy_year_factory(jurisdiction="mianyang", year=2022)
    claimant, other = certified("marginal"), certified("marginal")
    for discharged in (dt.date(2022, 5, 3), dt.date(2023, 3, 22)):
        visit = visit_factory(claimant=claimant, admitted=discharged, discharged=discharged)
        settle_visit(visit=visit, by=reviewer)
    settle_visit(visit=visit_factory(claimant=other), by=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("settlements:ledger", args=[claimant.pk, 2023]))

    assert response.context["years"] == [2023, 2022]
    page = response.content.decode()
    assert reverse("settlements:ledger", args=[claimant.pk, 2022]) in page
    assert 'aria-current="page">2023<' in page
    assert "data-print" in page
    assert "js/print.js" in page
    assert 'class="ledger-tools d-print-none' in page
    # A year without settlements is shown as the current one beside the years that have some.
    assert client.get(reverse("settlements:ledger", args=[other.pk, 2021])).context["years"] == [2023, 2021]
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert "nav.navbar" in print_rules
    assert ".ledger-tools" in print_rules


@pytest.mark.django_db
def test_the_visit_form_offers_the_hospitals_of_the_reviewers_city_and_refuses_another(
    client, reviewer, hospital_factory, mianyang_2023, certified
):
    local = hospital_factory(name="绵阳本地医院", region=Region.objects.get(code="510703001"))
    beijing = (
        Region.objects.filter(code__startswith="11", level=Region.Level.TOWNSHIP).order_by("code").first()
    )
    far = hospital_factory(name="北京远方医院", region=beijing)
    client.force_login(reviewer)
    page = client.get(reverse("settlements:visit_create")).content.decode()
    assert local.name in page
    assert far.name not in page
    person = certified("dibao")
    values = {
        "id_number": person.id_number, "hospital": far.pk, "visit_type": "inpatient", "admitted": "2023-03-01",
        "discharged": "2023-03-05", "referral": "referred", "total_cost": "12000.00",
        "policy_scope_cost": "10000.00", "basic_insurance_paid": "6000.00", "in_province": "on", "in_city": "on",
    }  # fmt: skip
    response = client.post(reverse("settlements:visit_create"), values)
    assert response.status_code == 200
    assert not Visit.objects.filter(claimant=person).exists()
    assert "hospital" in response.context["form"].errors
