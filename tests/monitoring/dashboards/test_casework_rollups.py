"""The alert and application roll-ups follow the monthly job, the departments' answers and the case actions,
a rebuild from the raw rows gives the same rows, and what depends on the clock moves with it alone."""

import datetime as dt

import pytest
from django.db.models import Sum

from applications import services
from applications.models import CaseEvent
from claimants.models import Region
from core.roles import Department
from monitoring import services as monitoring_services
from monitoring.dashboards import casework, selectors
from monitoring.dashboards.models import AlertRollup, ApplicationRollup, ApplicationStep, StepRollup
from monitoring.models import HighCostAlert

pytestmark = pytest.mark.django_db

MARCH, APRIL = dt.date(2023, 3, 1), dt.date(2023, 4, 1)
SUBMITTED_ON = dt.date(2024, 3, 4)  # a Monday


def snapshot():
    """Every roll-up row that holds a figure (an application leaving a row leaves a zero the rebuild omits)."""
    return (
        sorted(
            AlertRollup.objects.values_list(
                "period", "department", "region", "pushed_at", "pushed", "answered", "certified"
            )
        ),
        sorted(
            ApplicationRollup.objects.exclude(applications=0).values_list(
                "aid_year", "region", "state", "due_on", "applications"
            )
        ),
        sorted(ApplicationStep.objects.values_list("aid_year", "region", "step", "time_taken")),
        sorted(StepRollup.objects.values_list("aid_year", "region", "step", "steps")),
    )


@pytest.fixture
def city() -> selectors.Scope:
    return selectors.Scope(region=Region.objects.get(code="5107"), year=2023)


@pytest.fixture
def alerts_answered(mianyang_2023, person_with_costs, certification_factory, civil_officer, rural_officer):
    """Two months of the job over four people (one already assisted, one in another county), two answers."""
    answered = person_with_costs("20000.00")
    person_with_costs("18000.00")
    assisted = person_with_costs("19000.00")
    certification_factory(claimant=assisted, category="dibao", valid_from=dt.date(2020, 1, 1))
    person_with_costs("17000.00", hukou="510704001")
    monitoring_services.run_monthly_alerts(period=MARCH)
    pushed = {a.department: a for a in HighCostAlert.objects.filter(claimant=answered)}
    monitoring_services.record_feedback(
        alert=pushed[Department.CIVIL_AFFAIRS],
        by=civil_officer,
        result="certified",
        category="illness_impoverished",
        valid_from=dt.date(2023, 4, 10),
    )
    monitoring_services.record_feedback(
        alert=pushed[Department.RURAL_REVITALIZATION],
        by=rural_officer,
        result="not_eligible",
        reason="收入超标",
    )
    monitoring_services.run_monthly_alerts(period=APRIL)  # the unanswered ones are carried over


@pytest.fixture
def applications_walked(caseworker, civil_officer, reviewer, claimant_factory):
    """Applications through every kind of step: closed, withdrawn, refused, returned and resubmitted, waiting."""

    def register():
        return services.register_application(
            by=caseworker,
            claimant=claimant_factory(),
            kind="certification",
            requested_category="marginal",
            submitted_on=SUBMITTED_ON,
        )

    def certify(application):
        application = services.accept_application(application=application, by=caseworker)
        application = services.refer_application(application=application, by=caseworker)
        return services.certify_referral(
            application=application, by=civil_officer, valid_from=SUBMITTED_ON, reason="符合低保边缘家庭条件"
        )

    closed = services.approve_application(application=certify(register()), by=reviewer)
    services.close_application(application=closed, by=reviewer)
    returned = services.return_application(
        application=certify(register()), by=reviewer, reason="请补充出院小结"
    )
    resubmitted = services.resubmit_application(application=returned, by=caseworker, reason="已补充出院小结")
    services.reject_application(application=resubmitted, by=reviewer, reason="不符合条件")
    referred = services.refer_application(
        application=services.accept_application(application=register(), by=caseworker), by=caseworker
    )
    services.withdraw_application(application=referred, by=caseworker, reason="申请人书面撤回")
    services.refuse_application(application=register(), by=caseworker, reason="材料不全")
    return register()


def test_rebuild_gives_the_alert_and_application_rows_the_actions_kept(alerts_answered, applications_walked):
    kept = snapshot()
    assert all(kept)
    casework.rebuild()
    assert snapshot() == kept


def test_answers_move_the_alert_figures(alerts_answered, city):
    department, _region = selectors.monitoring_panels(city)
    rows = {row[0]: row[1:] for row in department.rows}
    # March pushes all four people (the one already assisted too, Clarification 26) to both departments, one
    # answer each; April pushes the answered person afresh to both and carries the other three over.
    assert rows["民政"] == [5, 1, 1, 0]
    assert rows["农业农村（乡村振兴）"] == [5, 1, 0, 0]
    assert rows["医疗保障"] == [0, 0, 0, 0]


def test_unanswered_alerts_become_overdue_with_time_alone(alerts_answered, city):
    pushed_at = HighCostAlert.objects.filter(period=MARCH).values_list("created_at", flat=True).first()
    for now, overdue in (
        (pushed_at + dt.timedelta(days=30), 0),
        (pushed_at + dt.timedelta(days=30, seconds=1), 4),
    ):
        department = {row[0]: row[4] for row in selectors.monitoring_panels(city, now=now)[0].rows}
        assert department["民政"] == department["农业农村（乡村振兴）"] == overdue


def test_applications_become_overdue_with_time_alone(applications_walked):
    scope = selectors.Scope(region=Region.objects.get(code="5107"), year=2024)
    due_on = applications_walked.due_on
    steps, townships = selectors.application_panels(scope, today=due_on)
    assert next(row for row in steps.rows if row[0] == "已提交")[1:3] == [1, 0]
    assert townships.rows == []
    steps, townships = selectors.application_panels(scope, today=due_on + dt.timedelta(days=1))
    assert next(row for row in steps.rows if row[0] == "已提交")[1:3] == [1, 1]
    assert townships.rows == [["城厢街道", "510703001", 1]]


def test_every_step_left_through_the_services_is_timed_once(applications_walked):
    scope = selectors.Scope(region=Region.objects.get(code="5107"), year=2024)
    steps = dict(StepRollup.objects.values_list("step").annotate(n=Sum("steps")))
    assert steps == {
        "submitted": 4,
        "accepted": 4,
        "referred": 3,
        "certified": 2,
        "approved": 1,
        "returned": 1,
    }
    assert ApplicationStep.objects.count() == sum(steps.values())
    assert set(selectors.step_medians(scope)) == set(steps)


def test_the_median_of_an_even_number_of_steps_is_the_mean_of_the_middle_two(caseworker, claimant_factory):
    for days in (2, 4, 9.5, 11):
        application = services.register_application(
            by=caseworker,
            claimant=claimant_factory(),
            kind="certification",
            requested_category="marginal",
            submitted_on=SUBMITTED_ON,
        )
        services.accept_application(application=application, by=caseworker)
        registered, accepted = CaseEvent.objects.filter(application=application).order_by("id")
        CaseEvent.objects.filter(pk=accepted.pk).update(at=registered.at + dt.timedelta(days=days))
    casework.rebuild()  # the timeline above was rewritten in bulk, not by the services
    scope = selectors.Scope(region=Region.objects.get(code="5107"), year=2024)
    assert selectors.step_medians(scope) == {"submitted": pytest.approx(6.75)}
