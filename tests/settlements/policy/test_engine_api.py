"""The per-visit and per-application API the database layer calls: pure, keyword-only, explicit deltas."""

import ast
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jurisdictions.tianjin import policy as tianjin
from settlements.policy.engine import assess_application, assess_visit
from settlements.policy.errors import PolicyInputError
from settlements.policy.rules import Switches
from settlements.policy.types import (
    ApplicationStatus,
    BeijingHouseholdApplication,
    Certification,
    CoveredVisit,
    HouseholdMember,
    Ledger,
    Parameters,
    Reason,
    TianjinApplication,
    Visit,
)

D = Decimal
MIANYANG = Parameters(
    income_last_year=D("33000.00"),
    assistance_annual_cap=D("50000.00"),
    tilt_threshold=D("7000.00"),
    tilt_annual_cap=D("30000.00"),
)
TIANJIN = Parameters(income_last_year=D("48976.00"))
DIBAO = (Certification("dibao", date(2020, 5, 1)),)


def _visit(**changes) -> Visit:
    fields = {
        "id": "V1",
        "type": "inpatient",
        "admitted": date(2023, 3, 10),
        "discharged": date(2023, 3, 22),
        "referral": "referred",
        "policy_scope_cost": D("12000.10"),
    }
    return Visit(**(fields | changes))


def test_the_policy_package_imports_no_django():
    package = Path(__file__).resolve().parents[3] / "settlements" / "policy"
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name.split(".")[0] == "django" for name in names), source.name


def test_a_visit_returns_its_deltas_and_the_ledger_after():
    assessment = assess_visit(
        jurisdiction="mianyang",
        year=2023,
        parameters=MIANYANG,
        certifications=DIBAO,
        ledger=Ledger(),
        visit=_visit(),
    )
    assert assessment.result.medical_assistance == D("6693.77")
    assert assessment.deltas == {
        "ci_base": D("12000.10"),
        "inpatient_base": D("9562.53"),
        "inpatient_paid": D("6693.77"),
        "tilt_base": D("2868.76"),
    }
    assert all(type(name) is str for name in assessment.deltas)
    assert assessment.ledger["inpatient_paid"] == D("6693.77")
    assert assessment.ledger["tilt_paid"] == D("0.00")  # missing counters read as zero


def test_a_stored_ledger_continues_the_year():
    stored = Ledger(
        {"ci_base": D("12000.10"), "inpatient_base": D("9562.53"), "inpatient_paid": D("6693.77")}
    )
    visit = _visit(
        id="V2", type="outpatient_chronic_special", discharged=date(2023, 6, 22), admitted=date(2023, 6, 22)
    )
    result = assess_visit(
        jurisdiction="mianyang",
        year=2023,
        parameters=MIANYANG,
        certifications=DIBAO,
        ledger=stored,
        visit=replace(visit, policy_scope_cost=D("5000.10")),
    ).result
    assert (result.critical_illness_insurance, result.medical_assistance) == (D("3250.07"), D("1225.02"))


def test_a_visit_outside_the_year_is_refused_with_a_reason_and_no_counters():
    assessment = assess_visit(
        jurisdiction="mianyang",
        year=2024,
        parameters=MIANYANG,
        certifications=DIBAO,
        ledger=Ledger(),
        visit=_visit(),
    )
    assert assessment.result.reason == Reason.OUTSIDE_YEAR
    assert assessment.result.medical_assistance == D("0.00")
    assert assessment.result.personal_burden == D("12000.10")
    assert assessment.deltas == {}


def test_explanation_lines_carry_chinese_and_english():
    result = assess_visit(
        jurisdiction="mianyang",
        year=2023,
        parameters=MIANYANG,
        certifications=DIBAO,
        ledger=Ledger(),
        visit=_visit(),
    ).result
    assert result.explanation[0].zh == "适用救助身份：低保对象"
    assert result.explanation[0].en == "Category applied: minimum living allowance (dibao) member"
    assert all(line.zh and line.en for line in result.explanation)
    assert any("6693.77" in line.zh and "6693.77" in line.en for line in result.explanation)


def test_tianjin_unreferred_care_is_assisted_unless_the_switch_says_otherwise():
    visit = _visit(referral="unreferred", policy_scope_cost=D("1000.00"))
    common = {
        "jurisdiction": "tianjin",
        "year": 2023,
        "parameters": TIANJIN,
        "certifications": DIBAO,
        "ledger": Ledger(),
        "visit": visit,
    }
    assert assess_visit(**common).result.medical_assistance == D("700.00")
    national_reading = replace(tianjin.CONFIG, unreferred_excluded=True)
    result = assess_visit(**common, config=national_reading).result
    assert (result.reason, result.medical_assistance) == (Reason.UNREFERRED, D("0.00"))


def test_counters_per_category_switch_keeps_separate_caps():
    per_category = replace(tianjin.CONFIG, switches=Switches(counters_carry_over=False))
    visit = _visit(type="outpatient_general", policy_scope_cost=D("1000.00"))
    assessment = assess_visit(
        jurisdiction="tianjin",
        year=2023,
        parameters=TIANJIN,
        certifications=DIBAO,
        ledger=Ledger({"outpatient_paid": D("400.00")}),
        visit=visit,
        config=per_category,
    )
    assert assessment.result.medical_assistance == D("400.00")  # the person-level 400.00 is not dibao's
    assert assessment.deltas["dibao:outpatient_paid"] == D("400.00")


def test_impossible_visits_are_input_errors():
    with pytest.raises(PolicyInputError, match=r"^visit\.basic_insurance_paid"):
        assess_visit(
            jurisdiction="mianyang",
            year=2023,
            parameters=MIANYANG,
            certifications=DIBAO,
            ledger=Ledger(),
            visit=_visit(basic_insurance_paid=D("20000.00")),
        )
    with pytest.raises(PolicyInputError, match=r"^parameters\.income_last_year: required by tianjin"):
        assess_visit(
            jurisdiction="tianjin",
            year=2023,
            parameters=Parameters(),
            certifications=DIBAO,
            ledger=Ledger(),
            visit=_visit(),
        )


ILLNESS = (Certification("illness_impoverished", date(2022, 1, 1)),)


def test_beijing_household_application_and_the_once_a_year_rule():
    application = BeijingHouseholdApplication(
        id="A1", date=date(2023, 3, 1), cost_year=2022, household=(HouseholdMember(D("48500.00")),)
    )
    common = {
        "jurisdiction": "beijing",
        "year": 2023,
        "parameters": Parameters(),
        "certifications": ILLNESS,
        "ledger": Ledger(),
        "application": application,
    }
    first = assess_application(**common)
    assert (first.result.status, first.result.assistance) == (ApplicationStatus.APPROVED, D("16400.00"))
    second = assess_application(**common, approved_applications_this_year=1)
    assert (second.result.status, second.result.reason) == (
        ApplicationStatus.REJECTED,
        Reason.ALREADY_APPLIED_THIS_YEAR,
    )


def test_tianjin_application_uses_the_facts_the_database_supplies():
    visits = (
        CoveredVisit("V1", "inpatient", date(2023, 2, 1), D("20000.00"), D("1000.00")),
        CoveredVisit("V2", "inpatient", date(2023, 3, 1), D("9000.00"), already_covered=True),
        CoveredVisit("V3", "outpatient_general", date(2023, 3, 2), D("500.00")),
        CoveredVisit("V1", "inpatient", date(2023, 2, 1), D("20000.00"), D("1000.00")),
    )
    assessment = assess_application(
        jurisdiction="tianjin",
        year=2023,
        parameters=TIANJIN,
        certifications=ILLNESS,
        ledger=Ledger(),
        application=TianjinApplication("A1", date(2023, 4, 1), visits),
    )
    # Base 20000.00 - 1000.00 = 19000.00; deductible 48976.00 x 25% = 12244.00; (19000.00 - 12244.00) x 50%.
    assert assessment.result.assistance == D("3378.00")
    assert assessment.result.covered_visit_ids == ("V1",)
    assert assessment.deltas == {"application_base": D("19000.00"), "application_paid": D("3378.00")}


def test_an_application_kind_of_another_jurisdiction_is_an_input_error():
    with pytest.raises(PolicyInputError, match=r"^application:"):
        assess_application(
            jurisdiction="mianyang",
            year=2023,
            parameters=MIANYANG,
            certifications=ILLNESS,
            ledger=Ledger(),
            application=TianjinApplication("A1", date(2023, 4, 1), ()),
        )


def test_every_category_has_an_english_name_for_the_explanation():
    from settlements.policy import explain
    from settlements.policy.types import Category

    assert set(explain.NAMES_EN) == {category.value for category in Category}
