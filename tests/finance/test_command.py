"""``manage.py hospital_clearing --month YYYY-MM [--region CODE] --json``."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from finance import clearing
from tests.finance.test_clearing import MARCH

pytestmark = pytest.mark.django_db


def run(*args) -> list[dict]:
    out = StringIO()
    call_command("hospital_clearing", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_each_hospital_with_its_statement_or_the_figures_to_come(
    settle, hospital, hospital_factory, maker
):
    first = settle(dt.date(2023, 3, 10), advanced="100.00")
    other = hospital_factory(code="H510703002", name="绵阳市中心医院")
    second = settle(dt.date(2023, 3, 11), at=other)
    statement = clearing.build_statement(hospital=hospital, month=MARCH, by=maker)
    rows = run("--month", "2023-03", "--json")
    assert rows == [
        {
            "code": "H510703001",
            "name": "涪城区人民医院",
            "records": 1,
            "assistance_computed": str(first.assistance),
            "assistance_advanced": "100.00",
            "difference": str(first.assistance - 100),
            "to_repay": "100.00",
            "state": "draft",
        },
        {
            "code": "H510703002",
            "name": "绵阳市中心医院",
            "records": 1,
            "assistance_computed": str(second.assistance),
            "assistance_advanced": str(second.assistance),
            "difference": "0.00",
            "to_repay": str(second.assistance),
            "state": "not_built",
        },
    ]
    assert statement.to_repay == 100
    assert run("--month", "2023-03", "--region", "110101", "--json") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--month", "2023-13"), "--month"), (("--month", "2023-03", "--region", "999999"), "--region")],
)
def test_bad_input_exits_2_with_a_message(args, message):
    with pytest.raises(CommandError) as error:
        call_command("hospital_clearing", *args, "--json")
    assert error.value.returncode == 2
    assert message in str(error.value)
