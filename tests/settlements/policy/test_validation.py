"""Malformed scenarios are refused with one line that names the field (SCENARIOS Clarifications 2, 3, 21)."""

import copy
import json
from decimal import Decimal

import pytest

from settlements.policy.errors import ScenarioError
from settlements.policy.scenario import load_document, parse_scenario

MIANYANG = {
    "jurisdiction": "mianyang",
    "year": 2023,
    "parameters": {
        "income_last_year": "33000.00",
        "assistance_annual_cap": "50000.00",
        "tilt_threshold": "7000.00",
        "tilt_annual_cap": "30000.00",
    },
    "certifications": [{"category": "dibao", "valid_from": "2020-05-01", "valid_to": None}],
    "visits": [
        {
            "id": "V1",
            "type": "inpatient",
            "admitted": "2023-03-10",
            "discharged": "2023-03-22",
            "referral": "referred",
            "policy_scope_cost": "12000.10",
            "basic_insurance_paid": "0.00",
        }
    ],
}
BEIJING = {
    "jurisdiction": "beijing",
    "year": 2023,
    "parameters": {},
    "certifications": [{"category": "illness_impoverished", "valid_from": "2022-01-01", "valid_to": None}],
    "visits": [],
    "applications": [
        {
            "id": "A1",
            "date": "2023-03-01",
            "kind": "beijing_annual_household",
            "cost_year": 2022,
            "household": [{"policy_scope_burden": "48500.00"}],
        }
    ],
}
TIANJIN = {
    "jurisdiction": "tianjin",
    "year": 2023,
    "parameters": {"income_last_year": "48976.00"},
    "certifications": [{"category": "illness_impoverished", "valid_from": "2022-01-01", "valid_to": None}],
    "visits": copy.deepcopy(MIANYANG["visits"]),
    "applications": [
        {"id": "A1", "date": "2023-04-01", "kind": "tianjin_illness_impoverished", "covers_visits": ["V1"]}
    ],
}
NATIONAL = {
    "jurisdiction": "national",
    "year": 2023,
    "parameters": {"income_last_year": "40000.00", "assistance_annual_cap": "50000.00"},
    "certifications": [{"category": "dibao", "valid_from": "2020-01-01", "valid_to": None}],
    "visits": copy.deepcopy(MIANYANG["visits"]),
}


def _set(document: dict, path: str, value) -> dict:
    """A copy of ``document`` with ``path`` (dots and [i]) set to ``value``; ``...`` deletes the key."""
    result = copy.deepcopy(document)
    keys = [int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")]
    target = result
    for key in keys[:-1]:
        target = target[key]
    if value is ...:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return result


MALFORMED = [
    (MIANYANG, "jurisdiction", "shanghai", 'jurisdiction: unknown jurisdiction "shanghai"'),
    (MIANYANG, "year", "2023", 'year: "2023" is not an integer'),
    (MIANYANG, "year", Decimal("2023.0"), "year: 2023.0 is not an integer"),
    (MIANYANG, "certifications[0].category", "tianjin_special_care", "certifications[0].category:"),
    (MIANYANG, "certifications[0].valid_to", "2019-01-01", "certifications[0].valid_to:"),
    (MIANYANG, "certifications[0].valid_from", "2020/05/01", "certifications[0].valid_from: malformed date"),
    (MIANYANG, "visits[0].type", "dental", 'visits[0].type: unknown visit type "dental"'),
    (MIANYANG, "visits[0].referral", "self", 'visits[0].referral: unknown referral "self"'),
    (MIANYANG, "visits[0].referral", ..., "visits[0].referral: required"),
    (
        MIANYANG,
        "visits[0].policy_scope_cost",
        "-5.00",
        'visits[0].policy_scope_cost: negative amount "-5.00"',
    ),
    (
        MIANYANG,
        "visits[0].policy_scope_cost",
        Decimal("12000.10"),
        "visits[0].policy_scope_cost: malformed money",
    ),
    (MIANYANG, "visits[0].policy_scope_cost", 12000, "visits[0].policy_scope_cost: malformed money"),
    (
        MIANYANG,
        "visits[0].policy_scope_cost",
        "12000.105",
        "visits[0].policy_scope_cost: more than two decimals",
    ),
    (MIANYANG, "visits[0].policy_scope_cost", "1e4", "visits[0].policy_scope_cost: malformed money"),
    (MIANYANG, "visits[0].policy_scope_cost", ..., "visits[0].policy_scope_cost: required"),
    (MIANYANG, "visits[0].basic_insurance_paid", "12000.11", "visits[0].basic_insurance_paid:"),
    (MIANYANG, "visits[0].critical_illness_paid", "12000.11", "visits[0].critical_illness_paid:"),
    (MIANYANG, "visits[0].critical_illness_paid", None, "visits[0].critical_illness_paid: null"),
    (MIANYANG, "visits[0].discharged", "2023-03-09", "visits[0].discharged: 2023-03-09 is before admitted"),
    (MIANYANG, "visits[0].discharged", "2024-01-02", "visits[0].discharged: 2024-01-02 is not in year 2023"),
    (MIANYANG, "visits[0].in_province", "true", "visits[0].in_province:"),
    (MIANYANG, "visits[0].in_city", 1, "visits[0].in_city:"),
    (MIANYANG, "visits[0].offsite_filed", None, "visits[0].offsite_filed: null"),
    (MIANYANG, "visits[0].settled_on", "2023-03-21", "visits[0].settled_on:"),
    (MIANYANG, "visits[0].settled_on", "2024-01-05", "visits[0].settled_on:"),
    (MIANYANG, "visits[0].id", 7, "visits[0].id:"),
    (MIANYANG, "parameters.tilt_threshold", ..., "parameters.tilt_threshold: required by mianyang"),
    (MIANYANG, "parameters.income_last_year", None, "parameters.income_last_year: null"),
    (MIANYANG, "parameters.budget", "1.00", "parameters.budget: unknown parameter"),
    (MIANYANG, "parameters.ratios", {"dibao": "0.80"}, "parameters.ratios: unknown parameter"),
    (MIANYANG, "certifications[0].category", "other_special", "parameters.other_special_as: required"),
    (MIANYANG, "parameters.other_special_as", "beijing_low_income", "parameters.other_special_as:"),
    (MIANYANG, "applications", [{"id": "A1", "date": "2023-05-01", "kind": "x"}], "applications[0].kind:"),
    (MIANYANG, "visits", None, "visits: null"),
    (BEIJING, "certifications[0].category", "other_special", "certifications[0].category:"),
    (BEIJING, "parameters.other_special_as", "dibao", "parameters.other_special_as: unknown parameter"),
    (BEIJING, "applications[0].kind", "tianjin_illness_impoverished", "applications[0].kind:"),
    (BEIJING, "applications[0].cost_year", "2022", "applications[0].cost_year:"),
    (BEIJING, "applications[0].date", "2024-03-01", "applications[0].date: 2024-03-01 is not in year 2023"),
    (BEIJING, "applications[0].household[0].policy_scope_burden", "-1.00", "applications[0].household[0]"),
    (BEIJING, "parameters.critical_illness_threshold", "40000.00", "parameters.critical_illness_threshold:"),
    (
        BEIJING,
        "parameters.critical_illness_segments",
        [{"up_to": "20000.00", "ratio": "0.60"}, {"up_to": "10000.00", "ratio": "0.70"}],
        "parameters.critical_illness_segments[1].up_to: segment bounds must strictly increase",
    ),
    (
        BEIJING,
        "parameters.critical_illness_segments",
        [{"up_to": None, "ratio": "0.60"}, {"up_to": None, "ratio": "0.70"}],
        "parameters.critical_illness_segments[0].up_to: only the last segment may be open",
    ),
    (
        BEIJING,
        "parameters.critical_illness_segments",
        [{"up_to": None, "ratio": "1.20"}],
        "parameters.critical_illness_segments[0].ratio:",
    ),
    (
        TIANJIN,
        "applications[0].covers_visits",
        ["V9"],
        'applications[0].covers_visits[0]: "V9" is not a visit id',
    ),
    (TIANJIN, "parameters.other_special_as", "monitored_rural", "parameters.other_special_as:"),
    (TIANJIN, "visits[0].type", "emergency", "visits[0].type:"),
    (NATIONAL, "parameters.ratios", {"destitute": "0.65"}, "parameters.ratios.destitute:"),
    (NATIONAL, "parameters.ratios", {"marginal": "1.5"}, "parameters.ratios.marginal:"),
    (NATIONAL, "parameters.ratios", {"marginal": Decimal("0.6")}, "parameters.ratios.marginal:"),
    (NATIONAL, "parameters.ratios", {"orphan": "0.60"}, "parameters.ratios.orphan:"),
    (NATIONAL, "parameters.deductible_rates", {"dibao": "0.06"}, "parameters.deductible_rates.dibao:"),
    (NATIONAL, "certifications[0].category", "marginal", "parameters.ratios.marginal: required"),
    (NATIONAL, "certifications[0].category", "orphan", "certifications[0].category:"),
    (NATIONAL, "parameters.assistance_annual_cap", ..., "parameters.assistance_annual_cap: required"),
]


@pytest.mark.parametrize(
    ("document", "path", "value", "message"),
    MALFORMED,
    ids=[f"{doc['jurisdiction']}-{path}-{value!r}" for doc, path, value, _ in MALFORMED],
)
def test_malformed_input_is_refused_naming_the_field(document, path, value, message):
    with pytest.raises(ScenarioError) as excinfo:
        parse_scenario(_set(document, path, value))
    text = str(excinfo.value)
    assert text.startswith(message)
    assert "\n" not in text


def test_a_duplicate_visit_id_is_refused():
    document = copy.deepcopy(MIANYANG)
    document["visits"].append(copy.deepcopy(document["visits"][0]))
    with pytest.raises(ScenarioError, match=r'^visits\[1\]\.id: duplicate id "V1"$'):
        parse_scenario(document)


def test_a_duplicate_application_id_is_refused():
    document = copy.deepcopy(BEIJING)
    document["applications"].append(copy.deepcopy(document["applications"][0]))
    with pytest.raises(ScenarioError, match=r"^applications\[1\]\.id: duplicate"):
        parse_scenario(document)


def test_national_monitored_rural_needs_its_deductible_rate():
    document = _set(NATIONAL, "certifications[0].category", "monitored_rural")
    document["parameters"]["ratios"] = {"monitored_rural": "0.65"}
    with pytest.raises(ScenarioError, match=r"^parameters\.deductible_rates\.monitored_rural: required"):
        parse_scenario(document)


def test_invalid_json_is_a_scenario_error():
    with pytest.raises(ScenarioError, match=r"^invalid JSON"):
        load_document('{"jurisdiction": ')


def test_unknown_keys_inside_items_are_ignored_and_admitted_defaults_to_discharged():
    document = _set(MIANYANG, "visits[0].admitted", ...)
    document["visits"][0]["hospital"] = "绵阳市中心医院"
    document["certifications"][0]["source"] = "民政"
    scenario = parse_scenario(document)
    assert scenario.visits[0].admitted == scenario.visits[0].discharged


def test_a_worked_example_file_gives_its_scenario():
    example = {"title": "t", "scenario": MIANYANG, "expected": {}}
    assert load_document(json.dumps(example))["jurisdiction"] == "mianyang"


def test_money_is_read_as_decimal_never_float():
    document = load_document(json.dumps(MIANYANG).replace('"year": 2023', '"year": 2023, "x": 1.5'))
    assert isinstance(document["x"], Decimal)
