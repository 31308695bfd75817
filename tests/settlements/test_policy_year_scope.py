"""A city's policy years (parameters, fund budget) are seen and edited by that city only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import DomainError
from settlements.errors import PolicyYearError
from settlements.services import save_policy_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def years(policy_year_factory):
    return {
        "mianyang": policy_year_factory(jurisdiction="mianyang", year=2023),
        "beijing": policy_year_factory(
            jurisdiction="beijing", year=2023, income_last_year=Decimal("77777.00")
        ),
    }


def test_the_list_shows_the_users_city_only(client, sysadmin, manager, years):
    for user in (sysadmin, manager):  # both of Mianyang (5107)
        client.force_login(user)
        response = client.get(reverse("settlements:policy_year_list"))
        assert list(response.context["object_list"]) == [years["mianyang"]]
        assert "77,777.00" not in response.content.decode()


def test_another_citys_year_cannot_be_opened_or_created(client, sysadmin, years):
    client.force_login(sysadmin)
    assert client.get(reverse("settlements:policy_year_edit", args=[years["beijing"].pk])).status_code == 404
    page = client.get(reverse("settlements:policy_year_create")).content.decode()
    assert 'value="mianyang"' in page
    assert 'value="beijing"' not in page
    response = client.post(
        reverse("settlements:policy_year_create"),
        {"jurisdiction": "beijing", "year": 2024, "effective_from": "2024-01-01", "income_last_year": "1.00"},
    )
    assert response.status_code == 200
    assert "jurisdiction" in response.context["form"].errors


def test_an_alert_rate_outside_0_01_to_1_is_refused(years):
    year = years["mianyang"]
    year.alert_threshold_rate = Decimal("5")
    with pytest.raises(DomainError) as refused:
        save_policy_year(policy_year=year, by=None)
    assert refused.value.code == PolicyYearError.ALERT_RATE_OUT_OF_RANGE


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"ratios": {"dibao": "0.60"}},
            "救助比例（低保对象）：低于国家指导意见规定的下限 0.70",
        ),
        (
            {"deductible_rates": {"dibao": "0.10"}},
            "起付标准比例（低保对象）：高于国家指导意见规定的上限 0.05",
        ),
        ({"ratios": {"dibao": "1.70"}}, "救助比例（低保对象）：不能大于 1"),
    ],
)
def test_a_refused_parameter_is_explained_in_words(policy_year_factory, values, expected):
    """A refusal names the parameter and the category in words, never ``parameters.ratios.dibao``."""
    year = policy_year_factory(jurisdiction="national", year=2023, income_last_year=Decimal("40000.00"))
    year.parameters = year.parameters | values
    with pytest.raises(DomainError) as refused:
        save_policy_year(policy_year=year, by=None)
    assert expected in refused.value.message
    assert "parameters." not in refused.value.message
