"""A new application kind is data: a city whose package declares a kind of its own needs no migration. Its
caseworkers are offered the kind, register an application of it, and the review computes what it declares.

The city is a copy of the national package (``testland``, Guangzhou 4401) offering 门诊慢特病费用报销, a claim
whose covered visits are settled as of the application date. One dibao visit of 10000.00 (nothing from basic
insurance, no 大病 schedule): regular assistance 70% = 7000.00.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from applications import services
from applications.errors import CaseError
from applications.models import AssistanceApplication, State
from claimants.apps import jurisdiction_packages
from core.errors import DomainError
from jurisdictions import registry
from tests.test_jurisdiction_packages import copy_national, installed, run_manage

D = Decimal
KIND = """    case_kinds=(
        ApplicationKindSpec(
            "testland_outpatient",
            gettext_noop("门诊慢特病费用报销（测试市）"),
            category=CATEGORY,
            visits_required=True,
            for_direct_categories=True,EXTRA
        ),
    ),
"""


def copy_with_a_kind(target: Path, code: str = "testland", category: str = "", extra: str = "") -> Path:
    package = copy_national(target, code=code)
    init = package / "__init__.py"
    text = init.read_text(encoding="utf-8")
    text = text.replace("    Jurisdiction,\n", "    ApplicationKindSpec,\n    Jurisdiction,\n")
    text = text.replace(
        "    policy=policy,\n",
        "    policy=policy,\n" + KIND.replace("CATEGORY", repr(category)).replace("EXTRA", extra),
    )
    init.write_text(text, encoding="utf-8")
    return package


@pytest.fixture
def testland(tmp_path, settings):
    copy_with_a_kind(tmp_path)
    with installed(tmp_path, "testland", settings):
        yield registry.get("testland")


def test_a_city_declaring_its_own_kind_needs_no_migration_and_passes_the_check(tmp_path):
    copy_with_a_kind(tmp_path)
    migrations = run_manage("makemigrations", "--check", "--dry-run", extra=tmp_path)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    check = run_manage("check", extra=tmp_path)
    assert check.returncode == 0, check.stderr


@pytest.mark.django_db
def test_an_application_of_the_citys_own_kind_is_registered_and_reviewed(
    testland,
    dibao_visit_in,
    client,
    caseworker,
    reviewer,
):
    visit = dibao_visit_in("testland")
    client.force_login(caseworker)
    register = reverse("applications:application_register", args=[visit.claimant.pk])
    assert 'value="testland_outpatient"' in client.get(register).content.decode()

    response = client.post(
        register, {"kind": "testland_outpatient", "visits": [visit.pk], "submitted_on": "2023-06-01"}
    )

    application = AssistanceApplication.objects.get()
    assert response.url == application.get_absolute_url()
    AssistanceApplication._meta.get_field("kind").clean(application.kind, application)  # a valid choice
    application = services.accept_application(application=application, by=caseworker)
    application = services.approve_application(application=application, by=reviewer)
    assert (application.state, application.assessed_amount) == (State.APPROVED, D("7000.00"))
    assert "合计核定救助金额7000.00" in application.assessment
    detail = client.get(application.get_absolute_url()).content.decode()
    assert "门诊慢特病费用报销（测试市）" in detail
    listing = client.get(
        reverse("applications:application_list"), {"kind": "testland_outpatient", "scope": "all"}
    )
    assert application.number in listing.content.decode()


@pytest.mark.django_db
def test_a_person_of_another_city_cannot_register_the_kind(testland, caseworker, claimant_factory):
    with pytest.raises(DomainError) as refused:
        services.register_application(by=caseworker, claimant=claimant_factory(), kind="testland_outpatient")
    assert refused.value.code == CaseError.KIND_NOT_IN_JURISDICTION


def test_the_system_check_names_a_kind_resting_on_a_category_the_city_has_not(tmp_path, settings):
    copy_with_a_kind(tmp_path, code="badland", category="beijing_low_income")
    with installed(tmp_path, "badland", settings):
        messages = [error.msg for error in jurisdiction_packages()]
    assert messages == [
        'jurisdiction "badland": the application kind "testland_outpatient" rests on "beijing_low_income", '
        "not one of its categories"
    ]


def test_the_system_check_names_a_scenario_kind_on_a_kind_the_engine_does_not_aid(tmp_path, settings):
    copy_with_a_kind(tmp_path, code="badland", extra='\n            scenario_kind="badland_household",')
    with installed(tmp_path, "badland", settings):
        messages = [error.msg for error in jurisdiction_packages()]
        assert registry.get("badland").application_kind == "badland_household"
    assert messages == [
        'jurisdiction "badland": the application kind "testland_outpatient" names a scenario kind but computes '
        "no application aid"
    ]


def test_a_scenarios_application_kind_is_that_of_the_citys_case_kind():
    assert registry.get("beijing").application_kind == "beijing_annual_household"
    assert registry.get("tianjin").application_kind == "tianjin_illness_impoverished"
    assert registry.get("mianyang").application_kind is None
