"""Amounts as people read them: 12,362.50 on every page; files and the API keep numbers."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from settlements.money import format_money
from settlements.services import settle_visit

D = Decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("12362.5"), "12,362.50"),
        (D("1234567.891"), "1,234,567.89"),
        (D("0.005"), "0.01"),  # half-up
        (D("-1500.00"), "-1,500.00"),
        (D("-0.00"), "0.00"),
        (D("999.99"), "999.99"),
        (7000, "7,000.00"),  # a whole sum from SQLite
        (None, None),
        ("—", "—"),
    ],
)
def test_an_amount_is_grouped_by_thousands_with_two_decimals(value, shown):
    assert format_money(value) == shown


def test_a_float_is_not_money():
    with pytest.raises(TypeError):
        format_money(12362.5)


@pytest.fixture
def large(mianyang_2023, certified, visit_factory, reviewer):
    visit = visit_factory(
        claimant=certified("dibao"), total_cost=D("123456.00"), policy_scope_cost=D("100000.00")
    )
    return settle_visit(visit=visit, by=reviewer)


def _amount_cells(page: str) -> str:
    """The page without the explanation lines (the engine writes its own figures into them)."""
    return re.sub(r"<ol\b.*?</ol>", "", page, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["settlement_list", "settlement_detail", "statement", "ledger", "visit_detail", "claimant_detail"]
)
def test_settlement_pages_write_amounts_with_thousands_separators(client, reviewer, large, name):
    url, expected = {
        "settlement_list": (reverse("settlements:settlement_list"), ["100,000.00", "30,808.13"]),
        "settlement_detail": (large.get_absolute_url(), ["100,000.00", "28,253.75", "30,808.13"]),
        "statement": (reverse("settlements:statement", args=[large.pk]), ["123,456.00", "30,808.13"]),
        "ledger": (reverse("settlements:ledger", args=[large.claimant_id, 2023]), ["28,253.75"]),
        "visit_detail": (reverse("settlements:visit_detail", args=[large.visit_id]), ["123,456.00"]),
        "claimant_detail": (large.claimant.get_absolute_url(), ["100,000.00", "30,808.13"]),
    }[name]
    client.force_login(reviewer)

    text = _amount_cells(client.get(url).content.decode())

    assert large.assistance == D("30808.13")
    for amount in expected:
        assert amount in text
    for ungrouped in ("100000.00", "123456.00", "30808.13", "28253.75"):
        assert ungrouped not in text


@pytest.mark.django_db
def test_the_statement_file_keeps_the_amounts_as_numbers(client, reviewer, large):
    client.force_login(reviewer)

    response = client.get(reverse("settlements:statement_xlsx", args=[large.pk]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1}
    assert values["政策范围内费用"] == 100000
    assert isinstance(values["政策范围内费用"], int | float)
