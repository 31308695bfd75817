"""Names and dates that cannot be true are refused wherever they come in (forms, imports, services)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services
from applications.errors import CaseError
from claimants import imports
from claimants.certification_import import KIND
from claimants.errors import ClaimantError
from claimants.services import certify, register_claimant
from core.errors import DomainError
from monitoring import services as monitoring
from monitoring.errors import MonitoringError
from settlements.services import record_visit
from tests.claimants.support import csv_bytes, number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["张\u202e三", "李\u200b四", "王\u2066五", "赵\x07六"])
def test_a_name_with_invisible_or_control_characters_is_refused(caseworker, name):
    from claimants.models import Region

    township = Region.objects.get(code="510703001")
    with pytest.raises(DomainError) as refused:
        register_claimant(
            by=caseworker,
            name=name,
            id_number="510703199101010071",
            hukou_region=township,
            insured_region=township,
            scheme="resident",
        )
    assert refused.value.code == ClaimantError.NAME_CHARACTERS


def test_certification_dates_out_of_range_are_refused_by_the_service_and_the_import(
    civil_officer, claimant_factory
):
    person = claimant_factory()
    for valid_from, valid_to in ((dt.date(1, 1, 1), None), (dt.date(2023, 1, 1), dt.date(9999, 12, 31))):
        with pytest.raises(DomainError) as refused:
            certify(
                by=civil_officer, claimant=person, category="dibao", valid_from=valid_from, valid_to=valid_to
            )
        assert refused.value.code == ClaimantError.IMPLAUSIBLE_DATE
    rows = [["王芳", number(1), "510703001", "dibao", "", "0001-01-01", "9999-12-31", ""]]
    batch = imports.stage(kind=KIND, file_name="civil.csv", content=csv_bytes(rows), by=civil_officer)
    assert batch.rows_invalid == 1
    assert "须在 2000-01-01 至 2099-12-31 之间" in str(batch.report)


def test_a_visit_admitted_in_year_one_or_discharged_tomorrow_is_refused(
    mianyang_2023, claimant_factory, reviewer
):
    values = {
        "visit_type": "inpatient",
        "referral": "referred",
        "total_cost": Decimal("9000.00"),
        "policy_scope_cost": Decimal("8000.00"),
    }
    for admitted, discharged in (
        (dt.date(1, 1, 1), dt.date(2023, 3, 9)),
        (dt.date(2023, 3, 1), timezone.localdate() + dt.timedelta(days=1)),
    ):
        with pytest.raises(DomainError) as refused:
            record_visit(
                by=reviewer, claimant=claimant_factory(), admitted=admitted, discharged=discharged, **values
            )
        assert refused.value.code == ClaimantError.IMPLAUSIBLE_DATE


@pytest.mark.parametrize("submitted_on", [dt.date(1, 1, 1), "tomorrow"])
def test_an_application_dated_before_2000_or_in_the_future_is_refused(caseworker, applicant, submitted_on):
    if submitted_on == "tomorrow":
        submitted_on = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        services.register_application(
            by=caseworker,
            claimant=applicant,
            kind="certification",
            requested_category="marginal",
            submitted_on=submitted_on,
        )
    assert refused.value.code == ClaimantError.IMPLAUSIBLE_DATE


def test_an_application_statement_of_two_megabytes_is_refused(caseworker, applicant):
    with pytest.raises(DomainError) as refused:
        services.register_application(
            by=caseworker,
            claimant=applicant,
            kind="certification",
            requested_category="marginal",
            statement="困难" * 1_000_000,
        )
    assert refused.value.code == CaseError.STATEMENT_TOO_LONG


def test_a_monthly_run_for_year_one_is_refused():
    with pytest.raises(DomainError) as refused:
        monitoring.start_run(period=dt.date(1, 1, 1), trigger="manual")
    assert refused.value.code == MonitoringError.PERIOD_TOO_EARLY
