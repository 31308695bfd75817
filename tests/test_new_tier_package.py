"""A new tier is data: a city whose package composes a residual layer of its own under a new tier code needs
no column and no migration. Its settlements store the tier as a row, the pages and the statement name it, and
``settle_scenario`` adds its key beside the contract's three.

The city is a copy of the national package (``tierland``) with 大额救助: 40% of the annual residual above
2000.00. One dibao visit of 10000.00 (nothing from basic insurance, no 大病 schedule): regular assistance 70%
= 7000.00, residual 3000.00, 大额救助 (3000 − 2000) × 40% = 400.00, burden 2600.00.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from jurisdictions import registry
from settlements.models import SettlementTier
from settlements.policy.engine import settle_year
from settlements.policy.render import render_result
from settlements.policy.scenario import load_document, parse_scenario
from settlements.services import settle_visit
from tests.test_jurisdiction_packages import copy_national, installed

D = Decimal
LAYER = """
from settlements.policy.rules import ResidualLayer
from settlements.policy.results import TierName

EXTRA = TierName("catastrophic_assistance", "大额救助", "Catastrophic assistance")
TIERS = (REGULAR_ASSISTANCE, EXTRA)
LAYER = ResidualLayer(
    tier=EXTRA, counter="catastrophic", threshold=Decimal("2000.00"), ratio=Decimal("0.40"), cap=None
)
"""
SCENARIO = {
    "jurisdiction": "tierland",
    "year": 2023,
    "parameters": {
        "income_last_year": "40000.00",
        "assistance_annual_cap": "30000.00",
        "ratios": {"marginal": "0.60", "monitored_rural": "0.65", "illness_impoverished": "0.50"},
        "deductible_rates": {"monitored_rural": "0.05"},
    },
    "certifications": [{"category": "dibao", "valid_from": "2020-01-01", "valid_to": None}],
    "visits": [
        {
            "id": "V1",
            "type": "inpatient",
            "admitted": "2023-03-01",
            "discharged": "2023-03-10",
            "in_province": True,
            "in_city": True,
            "referral": "referred",
            "policy_scope_cost": "10000.00",
            "basic_insurance_paid": "0.00",
        }
    ],
}


def copy_with_a_new_tier(target: Path) -> None:
    package = copy_national(target, code="tierland", roots=("4401",))
    policy = package / "policy.py"
    text = policy.read_text(encoding="utf-8")
    text = text.replace("TIERS = (REGULAR_ASSISTANCE,)\n", LAYER)
    text = text.replace(
        "            in_force_from=config.effective_from,\n",
        "            in_force_from=config.effective_from,\n            layers=(LAYER,),\n",
    )
    text = text.replace("        layers=(),\n", "        layers=(LAYER,),\n")
    policy.write_text(text, encoding="utf-8")


@pytest.fixture
def tierland(tmp_path, settings):
    copy_with_a_new_tier(tmp_path)
    with installed(tmp_path, "tierland", settings):
        yield registry.get("tierland")


def test_the_scenario_output_adds_the_new_tier_and_keeps_the_contracts_keys(tierland):
    result = render_result(settle_year(parse_scenario(load_document(json.dumps(SCENARIO)))))

    visit = result["visits"][0]
    assert (visit["medical_assistance"], visit["catastrophic_assistance"]) == ("7000.00", "400.00")
    assert (visit["tilted_assistance"], visit["major_illness_assistance"]) == ("0.00", "0.00")
    assert visit["personal_burden"] == "2600.00"
    assert (
        "大额救助：起付标准2000.00，年度累计0.00→3000.00，超过部分1000.00，按40%计400.00"
        in visit["explanation"]
    )
    assert result["totals"]["catastrophic_assistance"] == "400.00"


@pytest.mark.django_db
def test_a_settlement_stores_the_new_tier_as_a_row_and_the_pages_name_it(
    tierland, dibao_visit_in, client, reviewer
):
    visit = dibao_visit_in("tierland")

    settlement = settle_visit(visit=visit, by=reviewer)

    rows = SettlementTier.objects.filter(settlement=settlement)
    assert [(t.code, t.name, t.amount) for t in rows] == [
        ("medical_assistance", "医疗救助", D("7000.00")),
        ("catastrophic_assistance", "大额救助", D("400.00")),
    ]
    settlement.refresh_from_db()
    assert (settlement.assistance, settlement.personal_burden) == (D("7400.00"), D("2600.00"))
    client.force_login(reviewer)
    detail = client.get(reverse("settlements:settlement_detail", args=[settlement.pk])).content.decode()
    assert "大额救助" in detail
    assert "400.00" in detail
    statement = client.get(reverse("settlements:statement", args=[settlement.pk])).content.decode()
    assert "大额救助" in statement
    listing = client.get(reverse("settlements:settlement_list")).content.decode()
    assert "大额救助" in listing
