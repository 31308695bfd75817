"""The person-year totals the monthly job reads: kept equal to the visits by every way visits change."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from claimants.models import Claimant, Region
from monitoring import services, totals
from monitoring.models import HighCostAlert, PersonYearTotal
from settlements.models import Visit
from settlements.services import record_visit, reverse_settlement, settle_visit
from tests.settlements.test_visit_import import PLATFORM, csv_bytes, platform_row

pytestmark = pytest.mark.django_db

MARCH = dt.date(2023, 3, 1)
WITH_PLACES = [*PLATFORM, "hukou_admdvs", "insuplc_admdvs"]


def kept() -> set[tuple]:
    return set(
        PersonYearTotal.objects.values_list("claimant_id", "year", "self_pay", "fully_self_paid", "visits")
    )


def import_file(path, rows, reviewer) -> dict:
    path.write_bytes(csv_bytes(WITH_PLACES, rows))
    out = io.StringIO()
    call_command(
        "import_platform_settlements", str(path), "--as", reviewer.username, stdout=out, stderr=io.StringIO()
    )
    return json.loads(out.getvalue())


def test_totals_kept_through_imports_settlements_reversals_and_edits_equal_the_rebuilt_ones(
    mianyang_2023, person_with_costs, claimant_factory, reviewer, tmp_path
):
    known = person_with_costs("20000.00")  # scope 21000.00, basic 1000.00, no 大病 given
    stranger = claimant_factory.build(name="王平台", hukou_region=Region.objects.get(code="510703001"))
    counts = import_file(
        tmp_path / "setl.csv",
        [
            [*platform_row("P1", stranger), "510703001", "510703"],
            [*platform_row("P2", stranger, setl_time="2023-04-02"), "510703001", "510703"],
            [*platform_row("P3", known), "", ""],
        ],
        reviewer,
    )
    assert (counts["visits"], counts["persons_created"]) == (3, 1)
    new = Claimant.objects.get(id_number=stranger.id_number)
    # Each record: scope 10000.00 − basic 6000.00 − 大病 300.00 − 公务员补助 50.00 = 3650.00; 全自费 2000.00.
    assert PersonYearTotal.objects.filter(claimant=new, year=2023).values_list(
        "self_pay", "fully_self_paid", "visits", "last_discharged"
    ).get() == (Decimal("7300.00"), Decimal("4000.00"), 2, dt.date(2023, 4, 2))
    assert PersonYearTotal.objects.get(claimant=known).self_pay == Decimal("23650.00")

    settlement = settle_visit(
        visit=known.visits.get(settlement_ref=None), by=reviewer, settled_on=dt.date(2023, 3, 20)
    )
    assert settlement.critical_illness_insurance == Decimal("2100.00")
    assert PersonYearTotal.objects.get(claimant=known).self_pay == Decimal("21550.00")
    reverse_settlement(settlement=settlement, by=reviewer, reason="结算有误")
    assert PersonYearTotal.objects.get(claimant=known).self_pay == Decimal("23650.00")
    settle_visit(visit=known.visits.get(settlement_ref=None), by=reviewer, settled_on=dt.date(2023, 3, 21))

    by_hand = record_visit(
        by=reviewer,
        claimant=new,
        visit_type="outpatient_general",
        referral="not_required",
        admitted=dt.date(2023, 5, 6),
        discharged=dt.date(2023, 5, 6),
        total_cost=Decimal("800.00"),
        policy_scope_cost=Decimal("700.00"),
        basic_insurance_paid=Decimal("300.00"),
    )
    by_hand.discharged = by_hand.admitted = dt.date(2022, 12, 30)  # corrected into the year before
    by_hand.save()
    Visit.objects.get(settlement_ref="P2").delete()
    assert PersonYearTotal.objects.filter(claimant=new).values_list("year", "self_pay", "visits").order_by(
        "year"
    ).get(year=2022) == (2022, Decimal("400.00"), 1)

    maintained = kept()
    assert totals.rebuild() == len(maintained)
    assert kept() == maintained


def test_rebuild_command_recomputes_the_totals_from_the_visits(mianyang_2023, person_with_costs):
    person = person_with_costs("10000.00", "2000.00")
    PersonYearTotal.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_person_year_totals", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue()) == {"year": None, "totals": 1}
    assert PersonYearTotal.objects.get(claimant=person).self_pay == Decimal("12000.00")


def test_a_run_for_an_earlier_month_leaves_out_the_visits_discharged_after_its_cutoff(
    mianyang_2023, person_with_costs
):
    """The totals hold the whole year so far; a March run counts March's cut-off only."""
    over_in_march = person_with_costs(
        "17000.00", "5000.00", discharged=[dt.date(2023, 2, 10), dt.date(2023, 4, 10)]
    )
    over_in_april = person_with_costs(
        "10000.00", "10000.00", discharged=[dt.date(2023, 2, 10), dt.date(2023, 4, 10)]
    )
    services.run_monthly_alerts(period=MARCH)
    march = HighCostAlert.objects.filter(period=MARCH)
    assert set(march.values_list("claimant_id", "amount")) == {(over_in_march.pk, Decimal("17000.00"))}
    services.run_monthly_alerts(period=dt.date(2023, 4, 1))
    april = HighCostAlert.objects.filter(period=dt.date(2023, 4, 1))
    assert set(april.values_list("claimant_id", "amount")) == {
        (over_in_march.pk, Decimal("22000.00")),
        (over_in_april.pk, Decimal("20000.00")),
    }


def test_rebuild_command_refuses_a_year_it_cannot_take_with_exit_2():
    with pytest.raises(CommandError) as refused:
        call_command("rebuild_person_year_totals", "--year", "23", stdout=io.StringIO(), stderr=io.StringIO())
    assert refused.value.returncode == 2
    assert "--year" in str(refused.value)
