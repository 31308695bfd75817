"""Each jurisdiction package declares its policy-year parameters as a schema: labels and help in both
languages, bounds, and every problem of a year's values at once (no database)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from jurisdictions import registry
from jurisdictions.mianyang.parameters import MianyangParameters
from jurisdictions.national.parameters import NationalParameters
from jurisdictions.parameters import CAP, MONEY, RATES, SEGMENTS, ParameterSchema, Segment, Text, parameter
from jurisdictions.tianjin.parameters import TianjinParameters
from settlements.policy.engine import compile_policy
from settlements.policy.scenario import parse_parameters

NATIONAL = {
    "income_last_year": "40000.00",
    "alert_threshold_rate": "0.5",
    "assistance_annual_cap": "30000.00",
}


def messages(problems) -> dict[str, str]:
    return {problem.path: problem.message.zh for problem in problems}


@pytest.mark.parametrize("code", ["national", "mianyang", "beijing", "tianjin"])
def test_every_parameter_has_a_label_and_help_in_both_languages(code):
    schema = registry.get(code).parameters
    assert issubclass(schema, ParameterSchema)
    assert schema is not ParameterSchema
    for name, spec in schema.specs().items():
        assert all((spec.label.zh, spec.label.en, spec.help.zh, spec.help.en)), name
        assert spec.label.zh != name
        assert spec.label.en != name
    assert set(schema.categories) <= set(registry.get(code).ranking)


def test_the_city_declares_its_own_fields_beside_the_shared_ones():
    assert list(MianyangParameters.specs())[:2] == ["income_last_year", "alert_threshold_rate"]
    assert {"tilt_threshold", "tilt_annual_cap"} <= set(MianyangParameters.specs())
    assert "tilt_threshold" not in NationalParameters.specs()
    assert MianyangParameters.stored_names() == (
        "assistance_annual_cap",
        "other_special_as",
        "tilt_threshold",
        "tilt_annual_cap",
    )


def test_every_problem_is_reported_at_once_with_its_path():
    values, problems = NationalParameters.parse(
        {
            "income_last_year": "",
            "alert_threshold_rate": "0.005",
            "assistance_annual_cap": "1.234",
            "ratios": {"dibao": "0.60", "orphan": "0.50", "marginal": "1.2"},
            "deductible_rates": {"destitute": "0.10", "monitored_rural": "x"},
            "other_special_as": "beijing_low_income",
            "tilt_threshold": "7000.00",
        }
    )
    assert values is None
    assert messages(problems) == {
        "tilt_threshold": "该政策适用地不使用此参数",
        "income_last_year": "该政策适用地必须填写",
        "alert_threshold_rate": "不能小于 0.01",
        "assistance_annual_cap": "最多保留两位小数",
        "ratios.dibao": "低于国家指导意见规定的下限 0.70",
        "ratios.orphan": "不是该政策适用地的救助类别",
        "ratios.marginal": "不能大于 1",
        "deductible_rates.destitute": "高于国家指导意见规定的上限 0.05",
        "deductible_rates.monitored_rural": "须为数字，如 12.34",
        "other_special_as": "不是该政策适用地的救助类别",
    }
    english = {problem.path: problem.message.en for problem in problems}
    assert english["ratios.dibao"] == "below the minimum 0.70 set by the national guideline"
    assert english["income_last_year"] == "required in this jurisdiction"


@pytest.mark.parametrize(
    ("rate", "accepted"),
    [("0.01", True), ("1", True), ("0.0099", False), ("1.0001", False), ("0.12345", False)],
)
def test_the_alert_rate_is_between_0_01_and_1_with_four_decimals(rate, accepted):
    _values, problems = NationalParameters.parse(NATIONAL | {"alert_threshold_rate": rate})
    assert (not problems) is accepted


def test_segments_increase_and_only_the_last_is_open():
    from jurisdictions.beijing.parameters import BeijingParameters

    base = {
        "income_last_year": "77415.00",
        "alert_threshold_rate": "0.5",
        "critical_illness_threshold": "40000",
    }
    rows = [
        {"up_to": "50000", "ratio": "0.6"},
        {"up_to": None, "ratio": "0.7"},
        {"up_to": "40000", "ratio": "2"},
    ]
    _values, problems = BeijingParameters.parse(base | {"critical_illness_segments": rows})
    assert messages(problems) == {
        "critical_illness_segments[1].up_to": "只有最后一段可不设上限",
        "critical_illness_segments[2].up_to": "分段上限须逐段递增，须大于上一段的 50000",
        "critical_illness_segments[2].ratio": "不能大于 1",
    }
    _values, problems = BeijingParameters.parse(base)
    assert messages(problems) == {"critical_illness_segments": "大病保险起付标准和分段比例须一起填写"}
    values, problems = BeijingParameters.parse(base | {"critical_illness_segments": rows[:2]})
    assert not problems
    assert values.critical_illness_segments == (
        Segment(Decimal("50000"), Decimal("0.6")),
        Segment(None, Decimal("0.7")),
    )


@pytest.mark.parametrize("code", ["national", "mianyang", "beijing", "tianjin"])
def test_accepted_values_are_stored_as_texts_and_settle_as_the_engine_reads_them(code):
    jurisdiction = registry.get(code)
    schema = jurisdiction.parameters
    given = {"alert_threshold_rate": "0.5"} | {
        name: str(value) for name, value in jurisdiction.demo_parameters.items()
    }
    if code == "national":
        given |= NATIONAL | {
            "ratios": {"marginal": "0.6", "monitored_rural": "0.65", "illness_impoverished": "0.5"}
        }
        given |= {"deductible_rates": {"monitored_rural": "0.05"}}
    if code == "beijing":
        given |= {
            "critical_illness_threshold": "40000",
            "critical_illness_segments": [{"up_to": None, "ratio": "0.6"}],
        }
    values, problems = schema.parse(given)
    assert not problems, problems
    stored = values.stored()
    again, problems = schema.parse(
        stored | {"income_last_year": given["income_last_year"], "alert_threshold_rate": "0.5"}
    )
    assert again == values
    assert not problems
    kinds = {name: spec.kind for name, spec in schema.specs().items()}
    for name, value in stored.items():
        if kinds[name] in (MONEY, CAP):
            assert isinstance(value, str)
            assert re.fullmatch(r"\d+\.\d{2}", value)
        if kinds[name] in (RATES, SEGMENTS):
            assert isinstance(value, (dict, list))
    document = {"income_last_year": given["income_last_year"]} | stored
    compile_policy(code, 2024, parse_parameters(code, document))


def test_the_system_check_names_a_schema_that_disagrees_with_its_package():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Drifted(NationalParameters):
        categories = (*NationalParameters.categories, "orphan")
        built_in = {"assistance_annual_cap": Decimal("1.00")}

    assert registry.problems() == []
    assert registry.schema_problems(Drifted, registry.get("national").ranking) == [
        'its parameters name the category "orphan", not one of its categories',
        'its parameters\' built_in name "assistance_annual_cap", not a field of that kind',
    ]
    assert registry.schema_problems(dict, ()) == [
        "its parameters are not a jurisdictions.parameters.ParameterSchema"
    ]


@pytest.mark.parametrize(
    ("code", "required"),
    [
        ("national", ("income_last_year", "assistance_annual_cap")),
        ("mianyang", ("income_last_year", "assistance_annual_cap", "tilt_threshold", "tilt_annual_cap")),
        ("beijing", ()),
        ("tianjin", ("income_last_year",)),
    ],
)
def test_a_scenario_must_give_the_parameters_of_the_scenarios_table(code, required):
    assert registry.get(code).scenario.required == required


def test_a_required_value_or_a_cap_added_to_a_schema_is_required_of_a_scenario():
    @dataclass(frozen=True)
    class Extended(TianjinParameters):
        day_cap: Decimal | None = field(
            default=None, metadata=parameter(CAP, Text("日限额", "Day cap"), Text("", ""))
        )
        floor: Decimal | None = field(
            default=None, metadata=parameter(MONEY, Text("下限", "Floor"), Text("", ""), required=True)
        )
        optional: Decimal | None = field(
            default=None, metadata=parameter(MONEY, Text("可选", "Optional"), Text("", ""))
        )

    assert Extended.scenario_required() == ("income_last_year", "day_cap", "floor")
    assert NationalParameters.scenario_rates() == ("ratios", "deductible_rates")
