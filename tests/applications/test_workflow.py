"""Every path through the workflow, every illegal transition, every role and region boundary."""

import datetime as dt

import pytest

from applications import services
from applications.errors import CaseError
from applications.models import (
    TRANSITIONS,
    WITHDRAWABLE_STATES,
    AssistanceApplication,
    CaseEvent,
    State,
)
from claimants.models import Certification
from core.errors import DomainError
from core.roles import Role
from tests.applications.conftest import PATHS, SUBMITTED_ON

pytestmark = pytest.mark.django_db

# The states each action may start from (the transition table of docs/applications.md).
SOURCES = {
    "accept": {State.SUBMITTED},
    "refuse": {State.SUBMITTED},
    "refer": {State.ACCEPTED},
    "certify": {State.REFERRED},
    "decline": {State.REFERRED},
    "approve": {State.ACCEPTED, State.CERTIFIED},
    "send_back": {State.ACCEPTED, State.CERTIFIED},
    "resubmit": {State.RETURNED},
    "reject": {State.ACCEPTED, State.CERTIFIED},
    "pay": {State.APPROVED},
    "close": {State.APPROVED, State.PAID},
    "withdraw": set(WITHDRAWABLE_STATES),
}


def kinds(application):
    return list(application.events.order_by("at", "id").values_list("kind", flat=True))


def test_certification_request_walks_from_registration_to_closing(make_application, act, civil_officer):
    application = make_application(State.CERTIFIED)
    certification = application.certification
    assert certification.category == "marginal"
    assert certification.source == Certification.Source.REFERRAL
    assert certification.department == "civil_affairs"
    assert certification.created_by == civil_officer
    application = act(act(application, "approve"), "close")
    assert application.state == State.CLOSED
    assert application.assessed_amount == 0
    assert kinds(application) == ["registered", "accepted", "referred", "certified", "approved", "closed"]


def test_each_event_records_who_when_and_why(make_application, caseworker, civil_officer):
    application = make_application(State.DECLINED)
    declined = application.events.get(kind=CaseEvent.Kind.DECLINED)
    assert declined.actor == civil_officer
    assert declined.from_state == State.REFERRED
    assert declined.to_state == State.DECLINED
    assert declined.reason == "家庭人均收入超过标准"
    assert declined.at is not None
    referred = application.events.get(kind=CaseEvent.Kind.REFERRED)
    assert referred.actor == caseworker
    assert referred.data == {"department": "civil_affairs", "category": "marginal"}


def test_refusal_is_final_and_keeps_the_reason(make_application):
    application = make_application(State.REFUSED)
    assert application.events.get(kind="refused").reason == "材料不全：缺少发票原件"
    assert application.due_on is None
    assert not application.is_open


def test_return_for_correction_then_resubmit_goes_back_to_review(make_application, act):
    application = make_application(State.RETURNED)
    application = act(application, "resubmit")
    assert application.state == State.ACCEPTED
    application = act(application, "approve")
    assert application.state == State.APPROVED


@pytest.mark.parametrize("state", sorted(WITHDRAWABLE_STATES))
def test_applicant_may_withdraw_at_any_open_step(make_application, act, state):
    application = act(make_application(state), "withdraw")
    assert application.state == State.WITHDRAWN
    assert application.events.last().reason == "申请人书面撤回"


@pytest.mark.parametrize("state", list(PATHS))
def test_every_illegal_transition_is_refused_and_changes_nothing(make_application, act, state):
    # One application per state: a refused action changes nothing, so the next one starts from the same row.
    application = make_application(state)
    events_before = application.events.count()
    illegal = [a for a in TRANSITIONS if state not in SOURCES[a] and a != "pay"]  # pay: see test_review
    assert illegal
    for action in illegal:
        with pytest.raises(DomainError) as excinfo:
            act(application, action)
        assert excinfo.value.code == CaseError.INVALID_TRANSITION, action
        assert str(State(state).label) in excinfo.value.message
        stored = AssistanceApplication.objects.get(pk=application.pk)
        assert stored.state == state
        assert stored.events.count() == events_before


def test_every_action_of_the_table_is_a_transition():
    assert set(SOURCES) == set(TRANSITIONS)


# Which role each action needs; every other role is refused.
ACTION_ROLE = {
    "accept": Role.TOWNSHIP_CASEWORKER,
    "refuse": Role.TOWNSHIP_CASEWORKER,
    "refer": Role.TOWNSHIP_CASEWORKER,
    "certify": Role.CIVIL_AFFAIRS_OFFICER,
    "decline": Role.CIVIL_AFFAIRS_OFFICER,
    "approve": Role.MEDICAL_SECURITY_REVIEWER,
    "send_back": Role.MEDICAL_SECURITY_REVIEWER,
    "resubmit": Role.TOWNSHIP_CASEWORKER,
    "reject": Role.MEDICAL_SECURITY_REVIEWER,
    "close": Role.MEDICAL_SECURITY_REVIEWER,
    "withdraw": Role.TOWNSHIP_CASEWORKER,
}
START = {
    "accept": State.SUBMITTED,
    "refuse": State.SUBMITTED,
    "refer": State.ACCEPTED,
    "certify": State.REFERRED,
    "decline": State.REFERRED,
    "approve": State.CERTIFIED,
    "send_back": State.CERTIFIED,
    "resubmit": State.RETURNED,
    "reject": State.CERTIFIED,
    "close": State.APPROVED,
    "withdraw": State.SUBMITTED,
}


def call(action, application, user):
    reason = "理由"
    return {
        "accept": lambda: services.accept_application(application=application, by=user),
        "refuse": lambda: services.refuse_application(application=application, by=user, reason=reason),
        "refer": lambda: services.refer_application(application=application, by=user),
        "certify": lambda: services.certify_referral(
            application=application, by=user, valid_from=SUBMITTED_ON, reason=reason
        ),
        "decline": lambda: services.decline_referral(application=application, by=user, reason=reason),
        "approve": lambda: services.approve_application(application=application, by=user),
        "send_back": lambda: services.return_application(application=application, by=user, reason=reason),
        "resubmit": lambda: services.resubmit_application(application=application, by=user, reason=reason),
        "reject": lambda: services.reject_application(application=application, by=user, reason=reason),
        "close": lambda: services.close_application(application=application, by=user),
        "withdraw": lambda: services.withdraw_application(application=application, by=user, reason=reason),
    }[action]()


@pytest.mark.parametrize("action", sorted(ACTION_ROLE))
def test_every_other_role_is_refused(make_application, make_staff, action):
    application = make_application(START[action])
    for role in Role.values:
        if role == ACTION_ROLE[action]:
            continue
        user = make_staff(role, "510703001" if role == Role.TOWNSHIP_CASEWORKER else "5107")
        with pytest.raises(DomainError) as excinfo:
            call(action, application, user)
        assert excinfo.value.code == CaseError.ROLE_NOT_ALLOWED, role
        assert AssistanceApplication.objects.get(pk=application.pk).state == START[action]


@pytest.mark.parametrize("action", sorted(ACTION_ROLE))
def test_right_role_of_another_region_is_refused(make_application, make_staff, action):
    application = make_application(START[action])
    # A township of the same county, and Beijing's city level, for the city-level roles.
    region = "510703003" if ACTION_ROLE[action] == Role.TOWNSHIP_CASEWORKER else "1101"
    user = make_staff(ACTION_ROLE[action], region)
    with pytest.raises(DomainError) as excinfo:
        call(action, application, user)
    assert excinfo.value.code == CaseError.OUTSIDE_REGION


def test_county_officer_above_the_township_may_act(make_application, make_staff):
    application = make_application(State.REFERRED)
    county_officer = make_staff(Role.CIVIL_AFFAIRS_OFFICER, "510703")
    services.decline_referral(application=application, by=county_officer, reason="不符合条件")
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.DECLINED


def test_referral_of_rural_category_goes_to_rural_revitalization_only(
    caseworker, applicant, civil_officer, rural_officer
):
    application = services.register_application(
        by=caseworker,
        claimant=applicant,
        kind="certification",
        requested_category="monitored_rural",
        submitted_on=SUBMITTED_ON,
    )
    services.accept_application(application=application, by=caseworker)
    application = services.refer_application(application=application, by=caseworker)
    assert application.referred_department == "rural_revitalization"
    with pytest.raises(DomainError) as excinfo:
        services.decline_referral(application=application, by=civil_officer, reason="x")
    assert excinfo.value.code == CaseError.ROLE_NOT_ALLOWED
    application = services.certify_referral(
        application=application, by=rural_officer, valid_from=SUBMITTED_ON, reason="纳入防止返贫监测"
    )
    assert application.certification.category == "monitored_rural"


def test_officer_cannot_certify_a_category_of_another_department(make_application, civil_officer):
    application = make_application(State.REFERRED)
    with pytest.raises(DomainError) as excinfo:
        services.certify_referral(
            application=application,
            by=civil_officer,
            category="monitored_rural",
            valid_from=SUBMITTED_ON,
            reason="x",
        )
    assert excinfo.value.code == CaseError.CATEGORY_OF_OTHER_DEPARTMENT
    assert not Certification.objects.exists()


@pytest.mark.parametrize("action", ["refuse", "decline", "send_back", "reject", "withdraw", "resubmit"])
def test_steps_that_need_a_reason_refuse_a_blank_one(make_application, make_staff, action):
    application = make_application(START[action])
    user = make_staff(
        ACTION_ROLE[action], "510703001" if ACTION_ROLE[action] == Role.TOWNSHIP_CASEWORKER else "5107"
    )
    kwargs = {"application": application, "by": user, "reason": "  "}
    service = {
        "refuse": services.refuse_application,
        "decline": services.decline_referral,
        "send_back": services.return_application,
        "reject": services.reject_application,
        "withdraw": services.withdraw_application,
        "resubmit": services.resubmit_application,
    }[action]
    with pytest.raises(DomainError) as excinfo:
        service(**kwargs)
    assert excinfo.value.code == CaseError.REASON_REQUIRED
    assert AssistanceApplication.objects.get(pk=application.pk).state == START[action]


@pytest.mark.parametrize("category", ["dibao", "destitute", "orphan"])
def test_certification_request_for_directly_assisted_person_is_refused(
    caseworker, applicant, certification_factory, category
):
    certification_factory(claimant=applicant, category=category)
    with pytest.raises(DomainError) as excinfo:
        services.register_application(
            by=caseworker,
            claimant=applicant,
            kind="certification",
            requested_category="marginal",
            submitted_on=SUBMITTED_ON,
        )
    assert excinfo.value.code == CaseError.ALREADY_CERTIFIED_DIRECT
    assert "直接获得医疗救助" in excinfo.value.message
    assert not AssistanceApplication.objects.exists()


def test_expired_dibao_does_not_block_a_certification_request(caseworker, applicant, certification_factory):
    certification_factory(claimant=applicant, category="dibao", valid_to=dt.date(2023, 12, 31))
    application = services.register_application(
        by=caseworker,
        claimant=applicant,
        kind="certification",
        requested_category="marginal",
        submitted_on=SUBMITTED_ON,
    )
    assert application.state == State.SUBMITTED


@pytest.mark.parametrize("category", ["dibao", "beijing_low_income", ""])
def test_certification_request_needs_an_applicable_category(caseworker, applicant, category):
    with pytest.raises(DomainError) as excinfo:
        services.register_application(
            by=caseworker,
            claimant=applicant,
            kind="certification",
            requested_category=category,
            submitted_on=SUBMITTED_ON,
        )
    assert excinfo.value.code in {CaseError.CATEGORY_NOT_APPLICABLE, CaseError.CATEGORY_REQUIRED}


def test_referral_is_refused_when_the_identity_is_already_certified(make_application, certification_factory):
    application = make_application(State.ACCEPTED)
    certification_factory(claimant=application.claimant, category="marginal")
    with pytest.raises(DomainError) as excinfo:
        services.refer_application(application=application, by=application.created_by)
    assert excinfo.value.code == CaseError.IDENTITY_ALREADY_CERTIFIED


def test_review_without_a_certified_identity_is_refused(make_application, reviewer):
    application = make_application(State.ACCEPTED)
    with pytest.raises(DomainError) as excinfo:
        services.approve_application(application=application, by=reviewer)
    assert excinfo.value.code == CaseError.IDENTITY_NOT_CERTIFIED


def test_registration_outside_the_caseworker_region_is_refused(caseworker, claimant_factory, regions):
    from claimants.models import Region

    other = claimant_factory(hukou_region=Region.objects.get(code="510703003"))
    with pytest.raises(DomainError) as excinfo:
        services.register_application(
            by=caseworker, claimant=other, kind="certification", requested_category="marginal"
        )
    assert excinfo.value.code == CaseError.OUTSIDE_REGION


def test_only_a_caseworker_registers(reviewer, applicant):
    with pytest.raises(DomainError) as excinfo:
        services.register_application(
            by=reviewer, claimant=applicant, kind="certification", requested_category="marginal"
        )
    assert excinfo.value.code == CaseError.ROLE_NOT_ALLOWED


def test_illness_kinds_belong_to_their_city(caseworker, applicant):
    with pytest.raises(DomainError) as excinfo:
        services.register_application(by=caseworker, claimant=applicant, kind="beijing_annual")
    assert excinfo.value.code == CaseError.KIND_NOT_IN_JURISDICTION


def test_reimbursement_needs_visits_of_the_applicant(caseworker, applicant, visit_factory):
    with pytest.raises(DomainError) as excinfo:
        services.register_application(by=caseworker, claimant=applicant, kind="reimbursement")
    assert excinfo.value.code == CaseError.VISITS_REQUIRED
    someone_else = visit_factory()
    with pytest.raises(DomainError) as excinfo:
        services.register_application(
            by=caseworker, claimant=applicant, kind="reimbursement", visits=[someone_else]
        )
    assert excinfo.value.code == CaseError.VISIT_NOT_OF_CLAIMANT


def test_bulk_accept_reports_each_item(make_application, caseworker):
    first = make_application()
    refused = make_application(State.REFUSED)
    outcomes = services.accept_applications(application_ids=[first.pk, refused.pk, 999999], by=caseworker)
    by_id = {o.application_id: o for o in outcomes}
    assert by_id[first.pk].ok
    assert not by_id[refused.pk].ok
    assert "不予受理" in by_id[refused.pk].message
    assert not by_id[999999].ok
    assert AssistanceApplication.objects.get(pk=first.pk).state == State.ACCEPTED


def test_allowed_actions_follow_state_and_role(make_application, caseworker, reviewer, civil_officer):
    application = make_application(State.SUBMITTED)
    assert services.allowed_actions(application, caseworker) == ["accept", "refuse", "withdraw"]
    assert services.allowed_actions(application, reviewer) == []
    referred = make_application(State.REFERRED)
    assert services.allowed_actions(referred, civil_officer) == ["certify", "decline"]
