"""Shared fixtures: the real division subtrees of the demo's four cities, staff of every role, factories."""

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from pytest_factoryboy import register

from claimants.divisions import load_divisions
from claimants.models import Region
from core.roles import Role
from tests import factories

register(factories.UserFactory)
register(factories.HouseholdFactory)
register(factories.ClaimantFactory)
register(factories.CertificationFactory)
register(factories.PolicyYearFactory)
register(factories.HospitalFactory)
register(factories.VisitFactory)

IN_CI = os.environ.get("CI") == "true"
TEST_REGION_PREFIXES = ("5107", "11", "12", "3301")  # 3301: the demo's city under the national guideline


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def require_postgresql() -> None:
    """PostgreSQL-only behaviour (row locks, COPY): fail in CI when missing, skip with a reason elsewhere."""
    if not on_postgresql():
        if IN_CI:
            pytest.fail("CI must run this test on PostgreSQL: set DATABASE_URL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def plan_of_query_on(queries, table: str) -> str:
    """PostgreSQL's plan (``EXPLAIN``) of the one query captured (``CaptureQueriesContext``) that names ``table``."""
    from django.db import connection

    (query,) = [q["sql"] for q in queries.captured_queries if table in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {query}")
        return "\n".join(line for (line,) in cursor.fetchall())


@pytest.fixture
def regions(db):
    """Mianyang, Beijing and Tianjin with every county and township (reloaded after a flushing test)."""
    if not Region.objects.filter(code="510703001").exists():
        load_divisions(settings.SHARED_DIR / "data" / "divisions", only=TEST_REGION_PREFIXES)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language. A request in English (a language cookie, an Accept-Language
    header) leaves English active in the thread after it, as LocaleMiddleware does not deactivate it; a
    later test calling a service directly would then read English messages, depending on the order."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _regions_for_database_tests(request):
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("regions")


@pytest.fixture
def make_staff(regions, user_factory):
    def make(role: str, region_code: str = "5107", **kwargs):
        return user_factory(role=role, region=Region.objects.get(code=region_code), **kwargs)

    return make


@pytest.fixture
def caseworker(make_staff):
    return make_staff(Role.TOWNSHIP_CASEWORKER, "510703001", username="caseworker")


@pytest.fixture
def reviewer(make_staff):
    return make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="reviewer")


@pytest.fixture
def civil_officer(make_staff):
    return make_staff(Role.CIVIL_AFFAIRS_OFFICER, "5107", username="civil")


@pytest.fixture
def rural_officer(make_staff):
    return make_staff(Role.RURAL_REVITALIZATION_OFFICER, "5107", username="rural")


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.MANAGER, "5107", username="manager")


@pytest.fixture
def sysadmin(make_staff):
    return make_staff(Role.SYSTEM_ADMINISTRATOR, "5107", username="sysadmin")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the test regions once per test database; ``regions`` reloads them after a flushing test."""
    with django_db_blocker.unblock():
        load_divisions(settings.SHARED_DIR / "data" / "divisions", only=TEST_REGION_PREFIXES)


@pytest.fixture
def dibao_visit_in(policy_year_factory, claimant_factory, certification_factory, visit_factory):
    """A city installed for a test (a copy of the national package) made to govern Mianyang's test regions,
    with a 2023 policy year at the national guideline's defaults, and one visit there of a dibao person:
    10000.00 within the policy scope, nothing from basic insurance, no 大病 schedule."""

    def make(code: str):
        Region.objects.filter(code__startswith="5107").update(jurisdiction=code)
        policy_year_factory(
            jurisdiction=code,
            year=2023,
            income_last_year=Decimal("40000.00"),
            assistance_annual_cap=Decimal("30000.00"),
            extra={
                "ratios": {"marginal": "0.60", "monitored_rural": "0.65", "illness_impoverished": "0.50"},
                "deductible_rates": {"monitored_rural": "0.05"},
            },
        )
        claimant = claimant_factory()
        certification_factory(claimant=claimant, category="dibao", valid_from=dt.date(2020, 1, 1))
        return visit_factory(
            claimant=claimant, policy_scope_cost=Decimal("10000.00"), critical_illness_paid=None
        )

    return make
