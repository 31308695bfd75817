"""The whole monitoring loop (issue 5): a person with no category passes the threshold, is pushed to civil
affairs, is certified as 因病致贫重病患者, and that year's earlier visit is then settled through a written
application (RULES.md A-MY8) with the amounts the engine gives."""

import datetime as dt
from decimal import Decimal

import pytest

from applications import services as cases
from core.roles import Department
from monitoring.models import HighCostAlert
from monitoring.services import record_feedback, run_monthly_alerts
from settlements.models import Settlement

pytestmark = pytest.mark.django_db


def test_alert_certification_and_written_application_settle_the_earlier_visit(
    policy_year_factory, claimant_factory, visit_factory, caseworker, civil_officer, reviewer
):
    # given: Mianyang 2023, income 33000.00 -> alert threshold 16500.00; nobody has a category yet
    policy_year_factory(jurisdiction="mianyang", year=2023)
    claimant = claimant_factory()
    visit = visit_factory(
        claimant=claimant,
        admitted=dt.date(2023, 2, 1),
        discharged=dt.date(2023, 2, 10),
        total_cost=Decimal("32000.00"),
        policy_scope_cost=Decimal("30000.00"),
        basic_insurance_paid=Decimal("12000.00"),
    )

    # when: the March run (data to the end of February) finds 18000.00 > 16500.00
    run_monthly_alerts(period=dt.date(2023, 3, 1))
    alert = HighCostAlert.objects.get(claimant=claimant, department=Department.CIVIL_AFFAIRS)
    assert alert.amount == Decimal("18000.00")

    # and civil affairs certifies the person from the alert
    record_feedback(
        alert=alert,
        by=civil_officer,
        result=HighCostAlert.Result.CERTIFIED,
        category="illness_impoverished",
        valid_from=dt.date(2023, 3, 15),
        reason="经核查符合因病致贫重病患者认定条件",
    )
    assert claimant.certifications.get().category == "illness_impoverished"

    # and the township office registers and accepts a written claim for the February stay
    application = cases.register_application(
        by=caseworker,
        claimant=claimant,
        kind="reimbursement",
        visits=[visit],
        submitted_on=dt.date(2023, 3, 20),
    )
    application = cases.accept_application(application=application, by=caseworker, on=dt.date(2023, 3, 21))
    application = cases.approve_application(application=application, by=reviewer, on=dt.date(2023, 3, 25))

    # then: settled as illness_impoverished although the stay ended before the certification (A-MY8):
    # 大病 (18000.00 - 16500.00) x 60% = 900.00; base 17100.00; assistance (17100.00 - 8250.00) x 50% = 4425.00;
    # tilt (12675.00 - 7000.00) x 50% = 2837.50; burden 18000.00 - 900.00 - 4425.00 - 2837.50 = 9837.50
    settlement = Settlement.objects.get(visit=visit, reversed_at__isnull=True)
    assert settlement.category == "illness_impoverished"
    assert settlement.critical_illness_insurance == Decimal("900.00")
    assert settlement.tier("medical_assistance") == Decimal("4425.00")
    assert settlement.tier("tilted_assistance") == Decimal("2837.50")
    assert settlement.personal_burden == Decimal("9837.50")
    assert application.assessed_amount == Decimal("7262.50")
