"""Department answers to alerts, and what medical security sees of them."""

import datetime as dt

import pytest

from claimants.models import Certification
from core.errors import DomainError
from core.roles import Department
from monitoring import services
from monitoring.errors import MonitoringError
from monitoring.models import HighCostAlert

pytestmark = pytest.mark.django_db

MARCH = dt.date(2023, 3, 1)


@pytest.fixture
def pushed(mianyang_2023, person_with_costs):
    claimant = person_with_costs("20000.00")
    services.run_monthly_alerts(period=MARCH)
    return {a.department: a for a in HighCostAlert.objects.filter(claimant=claimant)}


def test_civil_affairs_certifies_through_the_alert(pushed, civil_officer):
    alert = services.record_feedback(
        alert=pushed[Department.CIVIL_AFFAIRS],
        by=civil_officer,
        result="certified",
        category="illness_impoverished",
        valid_from=dt.date(2023, 4, 10),
    )
    certification = alert.certification
    assert (certification.category, certification.source, certification.valid_from) == (
        "illness_impoverished",
        Certification.Source.ALERT,
        dt.date(2023, 4, 10),
    )
    assert (alert.result, alert.answered_by) == ("certified", civil_officer)


def test_rural_revitalization_certifies_monitored_rural(pushed, rural_officer):
    alert = services.record_feedback(
        alert=pushed[Department.RURAL_REVITALIZATION],
        by=rural_officer,
        result="certified",
        category="monitored_rural",
        valid_from=dt.date(2023, 4, 1),
    )
    assert alert.certification.department == Department.RURAL_REVITALIZATION


@pytest.mark.parametrize(
    ("officer", "department", "category"),
    [
        ("civil_officer", Department.CIVIL_AFFAIRS, "monitored_rural"),
        ("rural_officer", Department.RURAL_REVITALIZATION, "dibao"),
    ],
)
def test_a_department_cannot_certify_the_other_departments_category(
    pushed, request, officer, department, category
):
    with pytest.raises(DomainError) as excinfo:
        services.record_feedback(
            alert=pushed[department],
            by=request.getfixturevalue(officer),
            result="certified",
            category=category,
            valid_from=dt.date(2023, 4, 1),
        )
    assert excinfo.value.code == MonitoringError.CATEGORY_NOT_YOUR_DEPARTMENT
    assert not Certification.objects.exists()


def test_an_officer_cannot_answer_the_other_departments_alert(pushed, rural_officer):
    with pytest.raises(DomainError) as excinfo:
        services.record_feedback(
            alert=pushed[Department.CIVIL_AFFAIRS], by=rural_officer, result="already_assisted"
        )
    assert excinfo.value.code == MonitoringError.NOT_YOUR_DEPARTMENT


def test_an_officer_of_another_county_cannot_answer(pushed, make_staff):
    officer = make_staff("civil_affairs_officer", "510704")
    with pytest.raises(DomainError) as excinfo:
        services.record_feedback(
            alert=pushed[Department.CIVIL_AFFAIRS], by=officer, result="already_assisted"
        )
    assert excinfo.value.code == MonitoringError.NOT_YOUR_DEPARTMENT


def test_not_eligible_needs_a_reason_and_an_alert_is_answered_once(pushed, civil_officer):
    alert = pushed[Department.CIVIL_AFFAIRS]
    with pytest.raises(DomainError) as excinfo:
        services.record_feedback(alert=alert, by=civil_officer, result="not_eligible", reason=" ")
    assert excinfo.value.code == MonitoringError.REASON_REQUIRED
    services.record_feedback(alert=alert, by=civil_officer, result="not_eligible", reason="家庭收入超标")
    with pytest.raises(DomainError) as excinfo:
        services.record_feedback(alert=alert, by=civil_officer, result="already_assisted")
    assert excinfo.value.code == MonitoringError.ALREADY_ANSWERED


def test_no_risk_is_an_answer_and_an_unknown_result_is_refused_storing_nothing(pushed, civil_officer):
    alert = pushed[Department.CIVIL_AFFAIRS]
    with pytest.raises(DomainError) as excinfo:
        services.record_feedback(alert=alert, by=civil_officer, result="maybe")
    assert excinfo.value.code == MonitoringError.UNKNOWN_RESULT
    alert.refresh_from_db()
    assert (alert.result, alert.answered_at) == ("", None)
    answered = services.record_feedback(alert=alert, by=civil_officer, result="no_risk", reason="经入户核实")
    assert (answered.result, answered.get_result_display()) == ("no_risk", "经核实无致贫返贫风险")


def test_answering_a_carried_over_row_answers_the_first_push(pushed, civil_officer):
    services.run_monthly_alerts(period=dt.date(2023, 4, 1))
    carried = HighCostAlert.objects.get(period=dt.date(2023, 4, 1), department=Department.CIVIL_AFFAIRS)
    assert carried.disposition == HighCostAlert.Disposition.CARRIED_OVER
    answered = services.record_feedback(alert=carried, by=civil_officer, result="already_assisted")
    assert answered.pk == pushed[Department.CIVIL_AFFAIRS].pk


def test_a_certified_person_stays_on_next_months_list_with_the_category(pushed, civil_officer):
    """Clarification 26: still over the threshold in April, she is on civil affairs' list again (a fresh push:
    March was answered) with the category now held, rural revitalization's March push is carried over, and
    medical security is told the assisted person's cost."""
    services.record_feedback(
        alert=pushed[Department.CIVIL_AFFAIRS],
        by=civil_officer,
        result="certified",
        category="marginal",
        valid_from=dt.date(2023, 4, 1),
    )
    services.run_monthly_alerts(period=dt.date(2023, 4, 1))
    april = HighCostAlert.objects.filter(period=dt.date(2023, 4, 1)).order_by("department")
    assert list(
        april.values_list("department", "kind", "disposition", "category_held", "new_this_month")
    ) == [
        (Department.CIVIL_AFFAIRS, "assisted", "pushed", "marginal", False),
        (Department.MEDICAL_SECURITY, "assisted", "reported", "marginal", False),
        (Department.RURAL_REVITALIZATION, "assisted", "carried_over", "marginal", False),
    ]
