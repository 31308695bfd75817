"""The in-force rule reads the same through the ORM and through the raw SQL statements."""

import datetime as dt

import pytest
from django.db import connection

from claimants.models import Certification, Claimant
from core.certifications import CertificationStatus, in_force_on, in_force_sql
from tests.factories import CertificationFactory

DAY = dt.date(2024, 6, 30)


@pytest.fixture
def certifications(db):
    """One of each case on ``DAY``, keyed by what a caseworker would call it."""
    make = CertificationFactory
    return {
        "open_ended": make(valid_from=dt.date(2024, 1, 1)),
        "ends_that_day": make(valid_from=dt.date(2024, 1, 1), valid_to=DAY),
        "starts_that_day": make(valid_from=DAY),
        "expired": make(valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2024, 6, 29)),
        "not_yet": make(valid_from=dt.date(2024, 7, 1)),
        "revoked": make(valid_from=dt.date(2024, 1, 1), status=CertificationStatus.REVOKED),
    }


IN_FORCE = {"open_ended", "ends_that_day", "starts_that_day"}


def _names(certifications, ids) -> set[str]:
    return {name for name, cert in certifications.items() if cert.pk in set(ids)}


def test_only_active_certifications_covering_the_day_are_in_force(certifications):
    ids = Certification.objects.filter(in_force_on(DAY)).values_list("pk", flat=True)
    assert _names(certifications, ids) == IN_FORCE


def test_the_sql_condition_selects_the_same_certifications(certifications):
    table = Certification._meta.db_table
    with connection.cursor() as cursor:
        sql = f"SELECT cert.id FROM {table} cert WHERE {in_force_sql('cert', '%(day)s')}"  # noqa: S608
        cursor.execute(sql, {"day": DAY})
        ids = [row[0] for row in cursor.fetchall()]
    assert _names(certifications, ids) == IN_FORCE


def test_a_relation_prefix_finds_the_people_holding_one(certifications):
    holders = Claimant.objects.filter(in_force_on(DAY, "certifications__")).distinct()
    assert set(holders) == {certifications[name].claimant for name in IN_FORCE}


def test_over_a_period_the_sql_condition_keeps_what_was_in_force_on_any_day_of_it(certifications):
    table = Certification._meta.db_table
    with connection.cursor() as cursor:
        sql = f"SELECT id FROM {table} WHERE {in_force_sql(table, '%s', '%s')}"  # noqa: S608
        cursor.execute(sql, [dt.date(2024, 12, 31), dt.date(2024, 1, 1)])
        ids = [row[0] for row in cursor.fetchall()]
    assert _names(certifications, ids) == IN_FORCE | {"expired", "not_yet"}
