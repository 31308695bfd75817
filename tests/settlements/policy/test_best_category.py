"""SCENARIOS Clarification 22 as the engine settles it: the categories not chosen are assessed without
their explanation, and the visit must come out exactly as if each valid category had been assessed alone
and the one leaving the smallest burden taken (the higher-ranked one on a tie)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from settlements.policy import explain
from settlements.policy.engine import compile_policy
from settlements.policy.errors import PolicyInputError
from settlements.policy.types import Certification
from tests.settlements.policy.test_properties import (
    CATEGORIES,
    PARAMETERS,
    YEAR,
    _assess,
    _ledger_before_last,
    fractions,
    years,
)

D = Decimal


@st.composite
def varied_years(draw):
    """A year whose last visit may carry a given 大病 amount, supplementary insurance or the employee
    scheme (Clarifications 23 and 24), so that categories differ in their 大病 tier as well."""
    jurisdiction, _certifications, year_visits = draw(years())
    # Two or three categories, most of them valid all year, so that most visits have several to compare.
    codes = draw(st.lists(st.sampled_from(CATEGORIES[jurisdiction]), min_size=2, max_size=3, unique=True))
    certifications = tuple(
        Certification(code, date(2022, 1, 1) + timedelta(days=draw(st.sampled_from((0, 0, 0, 500)))))
        for code in codes
    )
    last = year_visits[-1]
    left = last.policy_scope_cost - last.basic_insurance_paid
    given_ci = (left * draw(fractions)).quantize(D("0.01")) if draw(st.booleans()) else None
    supplementary = ((left - (given_ci or 0)) * draw(fractions) / 4).quantize(D("0.01"))
    last = replace(
        last,
        critical_illness_paid=given_ci,
        supplementary_paid=supplementary,
        insurance_scheme=draw(st.sampled_from(("resident", "resident", "employee"))),
    )
    return jurisdiction, certifications, [*year_visits[:-1], last]


@settings(max_examples=400, deadline=None)
@given(varied_years())
def test_a_visit_is_settled_exactly_as_the_category_alone_that_leaves_the_smallest_burden(year):
    jurisdiction, certifications, year_visits = year
    ledger = _ledger_before_last(jurisdiction, certifications, year_visits)
    visit = year_visits[-1]
    alone = {}
    refused = False
    for certification in certifications:
        try:
            assessment = _assess(jurisdiction, (certification,), ledger, visit)
        except PolicyInputError:
            refused = True
            continue
        if assessment.result.category is not None and assessment.result.reason != "not_in_force":
            alone.setdefault(assessment.result.category, assessment)
    try:
        settled = _assess(jurisdiction, certifications, ledger, visit)
    except PolicyInputError:
        assert refused  # supplementary insurance above what one category's 大病 tier leaves
        return
    if len(alone) < 2:
        return
    categories = compile_policy(jurisdiction, YEAR, PARAMETERS[jurisdiction]).categories
    ranked = sorted(alone, key=lambda code: categories[code].rank)
    best = min(ranked, key=lambda code: alone[code].result.personal_burden)  # the first of equal ones
    result, expected = settled.result, alone[best].result
    assert result.category == best
    assert (result.critical_illness_insurance, result.amounts, result.personal_burden) == (
        expected.critical_illness_insurance,
        expected.amounts,
        expected.personal_burden,
    )
    assert (result.reason, result.pool, result.fund) == (expected.reason, expected.pool, expected.fund)
    assert dict(settled.deltas) == dict(alone[best].deltas)
    assert settled.ledger == alone[best].ledger
    compared = [
        figures for template, figures in result.steps if template in (explain.COMPARED, explain.COMPARED_TIE)
    ]
    if alone[ranked[0]].result.personal_burden:
        # Every category's burden as its own full assessment gives it, in rank order.
        assert compared[0][0].burdens == [alone[code].result.personal_burden for code in ranked]
        assert result.explanation[1].zh.startswith("就高不就低")
    else:
        assert compared == []  # the first category leaves nothing to pay: nothing to compare
