"""The review step uses the settlement service and the engine; payment; once a year; no double assistance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from applications import services
from applications.errors import CaseError
from applications.models import AssistanceApplication, CoveredVisit, State
from claimants.models import Region
from core.errors import DomainError
from core.roles import Role
from settlements import services as settlement_services
from settlements.models import LedgerEntry, Settlement
from tests.applications.conftest import PATHS

pytestmark = pytest.mark.django_db
APPLIED = dt.date(2023, 6, 1)


@pytest.fixture
def dibao_person(claimant_factory, certification_factory, policy_year_factory):
    policy_year_factory(jurisdiction="mianyang", year=2023)
    claimant = claimant_factory(name="王五")
    certification_factory(claimant=claimant, category="dibao", valid_from=dt.date(2020, 1, 1))
    return claimant


def reimbursement(caseworker, claimant, visits, on=APPLIED):
    application = services.register_application(
        by=caseworker, claimant=claimant, kind="reimbursement", visits=visits, submitted_on=on
    )
    return services.accept_application(application=application, by=caseworker)


def test_claim_for_costs_paid_in_advance_is_settled_paid_and_closed(
    caseworker, reviewer, dibao_person, visit_factory
):
    visit = visit_factory(claimant=dibao_person, policy_scope_cost=Decimal("12000.00"))
    application = reimbursement(caseworker, dibao_person, [visit])
    application = services.approve_application(application=application, by=reviewer)
    settlement = Settlement.objects.get(visit=visit)
    expected = settlement.assistance
    assert expected > 0
    assert application.assessed_amount == expected
    assert settlement.settled_on == APPLIED  # settled by written application (A-MY8)
    assert settlement.settled_by == reviewer
    assert application.assessment  # the engine's explanation lines
    assert CoveredVisit.objects.get(visit=visit).approved
    application = services.record_payment(
        application=application, by=reviewer, amount=expected, paid_on=dt.date(2023, 6, 20), reference="ZF-1"
    )
    assert (application.state, application.paid_amount, application.payment_reference) == (
        State.PAID,
        expected,
        "ZF-1",
    )
    application = services.close_application(application=application, by=reviewer)
    assert application.state == State.CLOSED
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds == ["registered", "accepted", "approved", "paid", "closed"]


def test_payment_must_be_the_approved_amount_and_closing_needs_it(
    caseworker, reviewer, dibao_person, visit_factory
):
    application = reimbursement(caseworker, dibao_person, [visit_factory(claimant=dibao_person)])
    application = services.approve_application(application=application, by=reviewer)
    with pytest.raises(DomainError) as excinfo:
        services.close_application(application=application, by=reviewer)
    assert excinfo.value.code == CaseError.CLOSE_NEEDS_PAYMENT
    with pytest.raises(DomainError) as excinfo:
        services.record_payment(
            application=application,
            by=reviewer,
            amount=application.assessed_amount + Decimal("0.01"),
            paid_on=dt.date(2023, 6, 20),
            reference="ZF-2",
        )
    assert excinfo.value.code == CaseError.PAYMENT_AMOUNT_MISMATCH
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.APPROVED


def test_payment_is_recorded_by_the_reviewer_only(caseworker, reviewer, dibao_person, visit_factory):
    application = reimbursement(caseworker, dibao_person, [visit_factory(claimant=dibao_person)])
    application = services.approve_application(application=application, by=reviewer)
    with pytest.raises(DomainError) as excinfo:
        services.record_payment(
            application=application,
            by=caseworker,
            amount=application.assessed_amount,
            paid_on=APPLIED,
            reference="x",
        )
    assert excinfo.value.code == CaseError.ROLE_NOT_ALLOWED


@pytest.mark.parametrize("state", [s for s in PATHS if s != State.APPROVED])
def test_payment_from_any_other_state_is_refused(make_application, reviewer, state):
    application = make_application(state)
    with pytest.raises(DomainError) as excinfo:
        services.record_payment(
            application=application, by=reviewer, amount=Decimal("1.00"), paid_on=APPLIED, reference="x"
        )
    assert excinfo.value.code == CaseError.INVALID_TRANSITION


def test_a_visit_settled_one_stop_cannot_be_claimed(caseworker, dibao_person, visit_factory):
    visit = visit_factory(claimant=dibao_person)
    settlement_services.settle_visit(visit=visit, by=None)
    with pytest.raises(DomainError) as excinfo:
        reimbursement(caseworker, dibao_person, [visit])
    assert excinfo.value.code == CaseError.VISIT_ALREADY_ASSISTED


def test_two_applications_for_one_visit_cannot_both_be_approved(
    caseworker, reviewer, dibao_person, visit_factory
):
    visit = visit_factory(claimant=dibao_person)
    first = reimbursement(caseworker, dibao_person, [visit])
    second = reimbursement(caseworker, dibao_person, [visit])
    services.approve_application(application=first, by=reviewer)
    with pytest.raises(DomainError) as excinfo:
        services.approve_application(application=second, by=reviewer)
    assert excinfo.value.code == CaseError.VISIT_ALREADY_ASSISTED
    assert AssistanceApplication.objects.get(pk=second.pk).state == State.ACCEPTED
    assert Settlement.objects.filter(visit=visit).count() == 1


def test_database_refuses_a_second_approved_coverage_of_a_visit(caseworker, dibao_person, visit_factory):
    visit = visit_factory(claimant=dibao_person)
    first = reimbursement(caseworker, dibao_person, [visit])
    second = reimbursement(caseworker, dibao_person, [visit])
    CoveredVisit.objects.filter(application=first).update(approved=True)
    with pytest.raises(IntegrityError):
        CoveredVisit.objects.filter(application=second).update(approved=True)


# Beijing: 因病致贫家庭重病患者 annual household aid ----------------------------------------------------------


@pytest.fixture
def beijing(
    make_staff, claimant_factory, certification_factory, household_factory, policy_year_factory, visit_factory
):
    township = Region.objects.get(code="110101001")
    for year in (2023, 2024):
        policy_year_factory(jurisdiction="beijing", year=year, income_last_year=Decimal("77000.00"))
    household = household_factory(region=township)
    patient = claimant_factory(hukou_region=township, household=household, relation_to_head="head")
    spouse = claimant_factory(hukou_region=township, household=household, relation_to_head="spouse")
    certification_factory(claimant=patient, category="illness_impoverished", valid_from=dt.date(2023, 1, 1))
    visits = []
    for person in (patient, spouse):
        visit = visit_factory(
            claimant=person,
            hospital__region=Region.objects.get(code="110101"),
            policy_scope_cost=Decimal("30000.00"),
            total_cost=Decimal("32000.00"),
        )
        settlement_services.settle_visit(visit=visit, by=None)
        visits.append(visit)
    return {
        "caseworker": make_staff(Role.TOWNSHIP_CASEWORKER, "110101001"),
        "reviewer": make_staff(Role.MEDICAL_SECURITY_REVIEWER, "11"),
        "patient": patient,
        "visits": visits,
    }


def beijing_application(bj, visits):
    application = services.register_application(
        by=bj["caseworker"],
        claimant=bj["patient"],
        kind="beijing_annual",
        visits=visits,
        submitted_on=dt.date(2024, 3, 1),
    )
    return services.accept_application(application=application, by=bj["caseworker"])


def test_beijing_annual_aid_is_computed_by_the_engine_on_the_household_burden(beijing):
    application = services.approve_application(
        application=beijing_application(beijing, beijing["visits"]), by=beijing["reviewer"]
    )
    burden = sum(Settlement.objects.get(visit=v).personal_burden for v in beijing["visits"])
    assert burden > 0
    assert application.assessed_amount > 0
    assert application.assessed_amount < burden
    assert any("30%" in line for line in application.assessment)


def test_beijing_annual_aid_is_granted_once_per_household_and_year(beijing):
    first = beijing_application(beijing, beijing["visits"][:1])
    second = beijing_application(beijing, beijing["visits"][1:])
    services.approve_application(application=first, by=beijing["reviewer"])
    with pytest.raises(DomainError) as excinfo:
        services.approve_application(application=second, by=beijing["reviewer"])
    assert excinfo.value.code == CaseError.ALREADY_GRANTED_THIS_YEAR
    assert AssistanceApplication.objects.get(pk=second.pk).state == State.ACCEPTED


# Tianjin: 依申请医疗救助 -----------------------------------------------------------------------------------


def test_tianjin_application_is_computed_by_the_engine_and_counted_in_the_ledger(
    make_staff, claimant_factory, certification_factory, policy_year_factory, visit_factory
):
    township = Region.objects.get(code="120101001")
    policy_year_factory(jurisdiction="tianjin", year=2024, income_last_year=Decimal("51000.00"))
    patient = claimant_factory(hukou_region=township)
    certification_factory(claimant=patient, category="illness_impoverished", valid_from=dt.date(2024, 1, 1))
    visit = visit_factory(
        claimant=patient,
        hospital__region=Region.objects.get(code="120101"),
        admitted=dt.date(2024, 2, 1),
        discharged=dt.date(2024, 2, 20),
        total_cost=Decimal("90000.00"),
        policy_scope_cost=Decimal("80000.00"),
    )
    settlement_services.settle_visit(visit=visit, by=None)
    caseworker = make_staff(Role.TOWNSHIP_CASEWORKER, "120101001")
    reviewer = make_staff(Role.MEDICAL_SECURITY_REVIEWER, "12")
    application = services.register_application(
        by=caseworker,
        claimant=patient,
        kind="tianjin_illness",
        visits=[visit],
        submitted_on=dt.date(2024, 3, 1),
    )
    services.accept_application(application=application, by=caseworker)
    application = services.approve_application(application=application, by=reviewer)
    assert application.assessed_amount > 0
    paid = LedgerEntry.objects.get(claimant=patient, year=2024, counter="application_paid")
    assert paid.amount == application.assessed_amount


def test_reviewer_sees_what_approval_would_pay_before_deciding_and_nothing_is_stored(
    client, caseworker, reviewer, dibao_person, visit_factory
):
    visits = [
        visit_factory(claimant=dibao_person, policy_scope_cost=Decimal("12000.00")),
        visit_factory(
            claimant=dibao_person,
            total_cost=Decimal("30000.00"),
            policy_scope_cost=Decimal("30000.00"),
            admitted=dt.date(2023, 4, 1),
            discharged=dt.date(2023, 4, 9),
        ),
    ]
    application = reimbursement(caseworker, dibao_person, visits)
    client.force_login(reviewer)
    response = client.get(reverse("applications:application_detail", args=[application.pk]))
    preview = response.context["preview"]
    assert preview.amount > 0
    assert f'<strong id="preview-amount">{preview.amount:,.2f}</strong>' in response.content.decode()
    # Looking changed nothing: no settlement, no ledger, the application still waits for review.
    assert not Settlement.objects.exists()
    assert not LedgerEntry.objects.exists()
    application.refresh_from_db()
    assert (application.state, application.assessed_amount) == (State.ACCEPTED, None)
    assert list(application.events.values_list("kind", flat=True)) == ["registered", "accepted"]

    approved = services.approve_application(application=application, by=reviewer)
    assert approved.assessed_amount == preview.amount  # the second visit counts the first one's deductible
    assert approved.assessment == preview.lines


def test_reviewer_is_told_why_approval_is_not_possible_yet(
    client, caseworker, reviewer, dibao_person, visit_factory
):
    visit = visit_factory(claimant=dibao_person)
    settlement_services.settle_visit(visit=visit, by=reviewer)  # settled one-stop at the hospital already
    application = reimbursement(caseworker, dibao_person, [visit_factory(claimant=dibao_person)])
    CoveredVisit.objects.create(application=application, visit=visit)
    client.force_login(reviewer)
    response = client.get(reverse("applications:application_detail", args=[application.pk]))
    assert "preview" not in response.context
    assert "不能重复救助" in response.context["preview_error"]
    assert 'id="approval-preview" class="alert alert-warning' in response.content.decode()


def test_caseworker_gets_no_preview(client, caseworker, dibao_person, visit_factory):
    application = reimbursement(caseworker, dibao_person, [visit_factory(claimant=dibao_person)])
    client.force_login(caseworker)
    response = client.get(reverse("applications:application_detail", args=[application.pk]))
    assert "preview" not in response.context
    assert "approval-preview" not in response.content.decode()


def test_caseworker_corrects_the_covered_visits_when_resubmitting(
    client, caseworker, reviewer, dibao_person, visit_factory
):
    first = visit_factory(claimant=dibao_person)
    second = visit_factory(
        claimant=dibao_person, admitted=dt.date(2023, 4, 1), discharged=dt.date(2023, 4, 9)
    )
    application = reimbursement(caseworker, dibao_person, [first])
    application = services.return_application(application=application, by=reviewer, reason="缺少第二次住院")
    client.force_login(caseworker)
    page = client.get(reverse("applications:application_detail", args=[application.pk]))
    form = next(form for name, _label, form in page.context["actions"] if name == "resubmit")
    assert form["visits"].initial == [first.pk]  # the form starts from what the application covers
    response = client.post(
        reverse("applications:application_action", args=[application.pk, "resubmit"]),
        {"resubmit-reason": "补充第二次住院", "resubmit-visits": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.ACCEPTED
    assert sorted(application.covered_visits.values_list("visit_id", flat=True)) == [first.pk, second.pk]
    assert application.events.last().data["visits"] == [first.pk, second.pk]


def test_an_approved_amount_waits_for_a_payment_batch_and_a_nil_one_is_offered_for_closing(
    client, caseworker, reviewer, dibao_person, visit_factory
):
    owed = reimbursement(caseworker, dibao_person, [visit_factory(claimant=dibao_person)])
    owed = services.approve_application(application=owed, by=reviewer)
    nothing_left = visit_factory(
        claimant=dibao_person,
        admitted=dt.date(2023, 5, 2),
        discharged=dt.date(2023, 5, 6),
        policy_scope_cost=Decimal("3000.00"),
        total_cost=Decimal("3000.00"),
        basic_insurance_paid=Decimal("3000.00"),
    )
    nil = services.approve_application(
        application=reimbursement(caseworker, dibao_person, [nothing_left]), by=reviewer
    )
    assert (owed.assessed_amount > 0, nil.assessed_amount) == (True, Decimal("0.00"))
    assert services.allowed_actions(owed, reviewer) == []  # paid through a batch, never from this page
    assert services.allowed_actions(nil, reviewer) == ["close"]
    client.force_login(reviewer)
    page = client.get(owed.get_absolute_url()).content.decode()
    assert "待纳入支付批次" in page
    assert 'name="pay-amount"' not in page
    assert client.post(reverse("applications:application_action", args=[owed.pk, "pay"])).status_code == 404


def test_after_approving_the_reviewer_lands_on_the_next_application_awaiting_approval(
    client, caseworker, reviewer, dibao_person, visit_factory
):
    first, second = (
        reimbursement(
            caseworker,
            dibao_person,
            [
                visit_factory(
                    claimant=dibao_person, admitted=dt.date(2023, m, 2), discharged=dt.date(2023, m, 6)
                )
            ],
        )
        for m in (3, 4)
    )
    client.force_login(reviewer)
    approve = reverse("applications:application_action", args=[first.pk, "approve"])
    response = client.post(approve, {"approve-reason": ""}, follow=True)
    assert response.redirect_chain[-1][0] == second.get_absolute_url()
    said = " ".join(str(m) for m in response.context["messages"])
    assert f'<a href="{first.get_absolute_url()}">{first.number}</a>' in said
    assert "还有 1 件" in said
    response = client.post(
        reverse("applications:application_action", args=[second.pk, "approve"]),
        {"approve-reason": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("applications:application_list")
    assert "没有其他待审核的申请" in " ".join(str(m) for m in response.context["messages"])


def test_the_stored_assessment_reads_the_same_whatever_language_the_reviewer_uses(
    caseworker, reviewer, dibao_person, visit_factory
):
    """The assessment is stored once, in Chinese like the engine's lines; a reviewer working in English
    leaves no English in it for the next reader."""
    visit = visit_factory(
        claimant=dibao_person, visit_type="inpatient", policy_scope_cost=Decimal("12000.00")
    )
    application = reimbursement(caseworker, dibao_person, [visit])
    with translation.override("en"):
        application = services.approve_application(application=application, by=reviewer)
    assert application.assessment[0].startswith("住院 ")
