"""Visits entered through the service: bad input is refused with a code and nothing is stored."""

import datetime as dt
from decimal import Decimal

import pytest

from claimants.models import Region
from core.errors import DomainError
from settlements import adapter
from settlements.errors import PolicyYearError, VisitError
from settlements.models import PolicyYear, Visit
from settlements.services import check_policy_year, record_visit, save_policy_year

D = Decimal


def visit_values(**overrides):
    values = {
        "visit_type": "inpatient",
        "admitted": dt.date(2023, 3, 1),
        "discharged": dt.date(2023, 3, 9),
        "referral": "referred",
        "total_cost": D("9000.00"),
        "policy_scope_cost": D("8000.00"),
        "basic_insurance_paid": D("4000.00"),
        "fully_self_paid": D("1000.00"),
    }
    return values | overrides


@pytest.mark.django_db
def test_visit_is_recorded_in_the_year_of_its_discharge(
    mianyang_2023, claimant_factory, hospital_factory, reviewer
):
    hospital = hospital_factory(in_province=False)
    visit = record_visit(
        by=reviewer,
        claimant=claimant_factory(),
        hospital=hospital,
        **visit_values(admitted=dt.date(2022, 12, 28), discharged=dt.date(2023, 1, 3)),
    )

    assert visit.year == 2023
    assert visit.in_province is False  # taken from the hospital when not given


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"total_cost": D("-1.00")}, VisitError.NEGATIVE_AMOUNT),
        ({"basic_insurance_paid": D("-0.01")}, VisitError.NEGATIVE_AMOUNT),
        ({"policy_scope_cost": D("9500.00")}, VisitError.SCOPE_ABOVE_TOTAL),
        ({"basic_insurance_paid": D("8000.01")}, VisitError.BASIC_ABOVE_SCOPE),
        ({"critical_illness_paid": D("4000.01")}, VisitError.CRITICAL_ILLNESS_ABOVE_REST),
        ({"discharged": dt.date(2023, 2, 28)}, VisitError.DISCHARGE_BEFORE_ADMISSION),
        ({"visit_type": "dental"}, VisitError.UNKNOWN_VISIT_TYPE),
        ({"referral": "maybe"}, VisitError.UNKNOWN_REFERRAL),
        ({"admitted": dt.date(2024, 1, 2), "discharged": dt.date(2024, 1, 5)}, VisitError.NO_POLICY_YEAR),
    ],
)
@pytest.mark.django_db
def test_bad_visit_is_refused_and_nothing_is_stored(
    mianyang_2023, claimant_factory, reviewer, overrides, code
):
    with pytest.raises(DomainError) as excinfo:
        record_visit(by=reviewer, claimant=claimant_factory(), **visit_values(**overrides))

    assert excinfo.value.code == code
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_visit_of_a_person_without_jurisdiction_is_refused(mianyang_2023, claimant_factory):
    township = Region.objects.get(code="510703001")
    claimant = claimant_factory(hukou_region=township)
    Region.objects.filter(code="510703001").update(jurisdiction="")
    claimant.refresh_from_db()

    with pytest.raises(DomainError) as excinfo:
        record_visit(by=None, claimant=claimant, **visit_values())

    assert excinfo.value.code == VisitError.UNKNOWN_JURISDICTION


@pytest.mark.django_db
def test_visit_of_a_person_outside_the_users_region_is_refused(mianyang_2023, claimant_factory, make_staff):
    beijing_reviewer = make_staff("medical_security_reviewer", "11")

    with pytest.raises(DomainError) as excinfo:
        record_visit(by=beijing_reviewer, claimant=claimant_factory(), **visit_values())

    assert excinfo.value.code == VisitError.OUTSIDE_REGION


@pytest.mark.django_db
def test_national_dibao_ratio_below_guideline_is_refused_with_the_engine_message():
    policy_year = PolicyYear(
        jurisdiction="national",
        year=2023,
        effective_from=dt.date(2023, 1, 1),
        income_last_year=D("30000.00"),
        parameters={"assistance_annual_cap": "40000.00", "ratios": {"dibao": "0.60"}},
    )

    with pytest.raises(DomainError) as excinfo:
        check_policy_year(policy_year)

    assert excinfo.value.code == PolicyYearError.INVALID_PARAMETERS
    assert "0.70" in excinfo.value.message


@pytest.mark.django_db
def test_mianyang_policy_year_without_tilt_threshold_is_refused():
    policy_year = PolicyYear(
        jurisdiction="mianyang", year=2023, effective_from=dt.date(2023, 1, 1), income_last_year=D("33000.00")
    )

    with pytest.raises(DomainError) as excinfo:
        save_policy_year(policy_year=policy_year, by=None)

    assert "防止返贫监测收入标准（倾斜救助起付线）：该政策适用地必须填写" in excinfo.value.message
    assert not PolicyYear.objects.exists()


@pytest.mark.django_db
def test_policy_year_changes_bump_the_version_and_keep_history(mianyang_2023, sysadmin):
    version = mianyang_2023.version
    adapter.assign_values(mianyang_2023, {"assistance_annual_cap": D("60000.00")})

    save_policy_year(policy_year=mianyang_2023, by=sysadmin, reason="市医保局发布限额")

    mianyang_2023.refresh_from_db()
    assert mianyang_2023.version == version + 1
    latest = mianyang_2023.history.latest()
    assert latest.history_user == sysadmin
    assert latest.history_change_reason == "市医保局发布限额"
    assert latest.prev_record.parameters["assistance_annual_cap"] == "50000.00"
    assert latest.parameters["assistance_annual_cap"] == "60000.00"


@pytest.mark.django_db
def test_a_visit_takes_the_registered_scheme_unless_told_and_supplementary_insurance_is_bounded(
    mianyang_2023, claimant_factory, reviewer
):
    employee = claimant_factory(scheme="employee")
    assert record_visit(by=reviewer, claimant=employee, **visit_values()).insurance_scheme == "employee"
    told = record_visit(by=reviewer, claimant=employee, insurance_scheme="resident", **visit_values())
    assert told.insurance_scheme == "resident"
    stored = record_visit(
        by=reviewer,
        claimant=employee,
        supplementary_paid=D("4000.00"),
        **visit_values(critical_illness_paid=None),
    )
    assert stored.supplementary_paid == D("4000.00")
    with pytest.raises(DomainError) as refused:  # 4000 after basic insurance; 500 of 大病; 3600 is too much
        record_visit(
            by=reviewer,
            claimant=employee,
            supplementary_paid=D("3600.00"),
            **visit_values(critical_illness_paid=D("500.00")),
        )
    assert refused.value.code == VisitError.SUPPLEMENTARY_ABOVE_REST
    with pytest.raises(DomainError) as unknown:
        record_visit(by=reviewer, claimant=employee, insurance_scheme="private", **visit_values())
    assert unknown.value.code == VisitError.UNKNOWN_INSURANCE_SCHEME
    assert Visit.objects.count() == 3
