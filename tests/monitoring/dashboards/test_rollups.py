"""Roll-ups follow every settlement and reversal, and a rebuild from the settlements gives the same rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from claimants.models import Region
from monitoring.dashboards import casework, rollups, selectors
from monitoring.dashboards.models import HospitalRollup, PersonYearRollup, SettlementRollup, TierRollup
from settlements.services import reverse_settlement

pytestmark = pytest.mark.django_db


def snapshot():
    """The rows that hold figures (a reversal leaves a row of zeros where the rebuild writes none)."""
    return (
        sorted(
            SettlementRollup.objects.exclude(settlements=0).values_list(
                "year",
                "month",
                "region",
                "category",
                "visit_type",
                "settlements",
                "assisted",
                "cap_reached",
                "assistance",
                "personal_burden",
            )
        ),
        sorted(
            TierRollup.objects.exclude(amount=0).values_list(
                "year", "month", "region", "category", "tier", "amount"
            )
        ),
        sorted(
            PersonYearRollup.objects.exclude(settlements=0).values_list(
                "claimant", "year", "settlements", "assistance", "personal_burden", "cap_reached"
            )
        ),
        sorted(
            HospitalRollup.objects.exclude(stays=0).values_list(
                "year", "region", "hospital", "stays", "total_cost", "policy_scope_cost"
            )
        ),
    )


def test_rebuild_gives_the_rows_the_services_kept(settle, reviewer):
    settle("dibao", dt.date(2023, 3, 22))
    settle(
        "marginal",
        dt.date(2023, 3, 28),
        policy_scope_cost=Decimal("400000.00"),
        total_cost=Decimal("420000.00"),
    )
    reverse_settlement(settlement=settle("dibao", dt.date(2023, 6, 1)), by=reviewer, reason="录入错误")
    kept = snapshot()
    assert all(kept)
    rollups.rebuild()
    assert snapshot() == kept


def test_reversal_takes_the_settlement_out_again(settle, reviewer):
    settlement = settle("dibao")
    reverse_settlement(settlement=settlement, by=reviewer, reason="录入错误")
    row = SettlementRollup.objects.get()
    assert (row.settlements, row.assistance) == (0, 0)
    assert {tier.amount for tier in TierRollup.objects.all()} == {0}
    assert PersonYearRollup.objects.get().assistance == 0


def test_hospitals_below_the_ninety_percent_scope_share_are_listed(settle, hospital_factory):
    good, poor = hospital_factory(name="达标医院"), hospital_factory(name="未达标医院")
    settle("dibao", hospital=good, total_cost=Decimal("10000.00"), policy_scope_cost=Decimal("9500.00"))
    settle("dibao", hospital=poor, total_cost=Decimal("10000.00"), policy_scope_cost=Decimal("8000.00"))
    settle(
        "dibao",
        hospital=poor,
        visit_type="outpatient_chronic_special",
        total_cost=Decimal("1000.00"),
        policy_scope_cost=Decimal("1000.00"),
    )  # not an inpatient stay
    panel = selectors.hospital_panel(selectors.Scope(region=Region.objects.get(code="5107"), year=2023))
    rows = {row[0]: row for row in panel.rows}
    assert rows["未达标医院"][1:5] == [1, Decimal("10000.00"), Decimal("8000.00"), Decimal("80.0")]
    assert rows["达标医院"][4] == Decimal("95.0")
    assert [row[0] for row in selectors.hospitals_below_target(panel)] == ["未达标医院"]


def test_applications_by_step_with_overdue_and_median_days(caseworker, claimant_factory):
    from applications import services
    from applications.models import AssistanceApplication, CaseEvent

    made = []
    for days in (2, 4, 9):
        application = services.register_application(
            by=caseworker,
            claimant=claimant_factory(),
            kind="certification",
            requested_category="marginal",
            submitted_on=dt.date(2024, 3, 4),
        )
        services.accept_application(application=application, by=caseworker)
        start = timezone.now() - dt.timedelta(days=30)
        events = CaseEvent.objects.filter(application=application).order_by("id")
        events.filter(pk=events[0].pk).update(at=start)
        events.filter(pk=events[1].pk).update(at=start + dt.timedelta(days=days))
        made.append(application)
    AssistanceApplication.objects.filter(pk=made[0].pk).update(due_on=dt.date(2024, 3, 1))
    casework.rebuild()  # the history above was rewritten in bulk, not by the services
    scope = selectors.Scope(region=Region.objects.get(code="5107"), year=2024)
    steps, townships = selectors.application_panels(scope, today=dt.date(2024, 3, 20))
    accepted = next(row for row in steps.rows if row[0] == "已受理")
    submitted = next(row for row in steps.rows if row[0] == "已提交")
    assert accepted[1:3] == [3, 1]
    assert submitted[3] == pytest.approx(4.0)
    assert townships.rows == [["城厢街道", "510703001", 1]]
