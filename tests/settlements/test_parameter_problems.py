"""The engine refuses a policy year's values with structured fields; the pages word them from the fields."""

import pytest

from settlements import adapter
from settlements.policy.engine import compile_policy
from settlements.policy.errors import PolicyInputError, Problem
from settlements.policy.scenario import parse_parameters

NATIONAL = {"income_last_year": "40000.00", "assistance_annual_cap": "30000.00"}


def refusal(values: dict) -> PolicyInputError:
    with pytest.raises(PolicyInputError) as refused:
        compile_policy("national", 2023, parse_parameters("national", values))
    return refused.value


@pytest.mark.parametrize(
    ("values", "problem", "words"),
    [
        ({"income_last_year": "-5.00"}, Problem.NEGATIVE, "不能为负数"),
        ({"income_last_year": "12,5"}, Problem.MALFORMED_MONEY, "金额格式不正确"),
        ({"income_last_year": "1.005"}, Problem.DECIMALS, "最多保留两位小数"),
        ({"ratios": {"dibao": "1.5"}}, Problem.RATE_RANGE, "须为 0 至 1 之间的小数"),
        ({"ratios": {"orphan": "0.80"}}, Problem.NOT_A_CATEGORY, "不是国家指导意见中的救助类别"),
        ({"deductible_rates": {"dibao": "0.10"}}, Problem.ABOVE_LIMIT, "高于国家指导意见规定的上限 0.05"),
        ({"surplus": "7000.00"}, Problem.UNKNOWN_PARAMETER, "该政策适用地不使用此参数"),
        (
            {
                "critical_illness_segments": [
                    {"up_to": None, "ratio": "0.6"},
                    {"up_to": "1.00", "ratio": "0.6"},
                ]
            },
            Problem.SEGMENTS,
            "分段有误",
        ),
    ],
)
def test_each_refusal_names_its_problem_and_the_page_words_it(values, problem, words):
    error = refusal(NATIONAL | values)
    assert error.problem == problem
    assert error.path.startswith("parameters.")
    assert words in adapter.parameter_problem(error)


def test_a_missing_parameter_is_required():
    with pytest.raises(PolicyInputError) as refused:
        parse_parameters("national", {"assistance_annual_cap": "30000.00"})
    error = refused.value
    assert (error.path, error.problem) == ("parameters.income_last_year", Problem.REQUIRED)
    assert adapter.parameter_problem(error).endswith("：该政策适用地必须填写")


def test_a_refusal_without_a_known_problem_still_reads_as_words():
    error = PolicyInputError("parameters.income_last_year: something new")
    assert adapter.parameter_problem(error).endswith("：取值不合规")
    assert (
        adapter.parameter_problem(PolicyInputError("visit.admitted: odd")) == "政策参数有误，请检查各项取值"
    )
