"""Properties over random valid years in every jurisdiction: no negative tier, no cap exceeded, tiers +
burden = cost after basic insurance, and a higher cost never lowers the aid of the same visit."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jurisdictions.beijing import policy as beijing
from jurisdictions.mianyang import policy as mianyang
from jurisdictions.tianjin import policy as tianjin
from settlements.policy.engine import assess_visit, compile_policy
from settlements.policy.types import Certification, Ledger, Parameters, Segment, Visit

D = Decimal
YEAR = 2023
PARAMETERS = {
    "mianyang": Parameters(
        income_last_year=D("33000.00"),
        assistance_annual_cap=D("20000.00"),
        tilt_threshold=D("7000.00"),
        tilt_annual_cap=D("15000.00"),
    ),
    "beijing": Parameters(
        critical_illness_threshold=D("30000.00"),
        critical_illness_segments=(Segment(D("20000.00"), D("0.60")), Segment(None, D("0.70"))),
    ),
    "tianjin": Parameters(income_last_year=D("48976.00")),
    "national": Parameters(
        income_last_year=D("40000.00"),
        assistance_annual_cap=D("30000.00"),
        ratios=(("marginal", D("0.60")), ("monitored_rural", D("0.65")), ("illness_impoverished", D("0.50"))),
        deductible_rates=(("monitored_rural", D("0.05")),),
    ),
}
CATEGORIES = {
    "mianyang": list(mianyang.RANK),
    "beijing": list(beijing.RANK),
    "tianjin": list(tianjin.RANK),
    "national": ["destitute", "dibao", "monitored_rural", "marginal", "illness_impoverished"],
}
BEIJING_CAPPED = frozenset(
    {"dibao", "beijing_hardship_subsidy", "beijing_low_income", "illness_impoverished"}
)


def annual_caps(jurisdiction: str, certifications) -> dict[str, Decimal]:
    """Ledger counters no sequence of visits may push past their annual cap."""
    if jurisdiction == "mianyang":
        return {"inpatient_paid": D("20000.00"), "tilt_paid": D("15000.00")}
    if jurisdiction == "national":
        return {"inpatient_paid": D("30000.00")}
    if jurisdiction == "tianjin":  # 1000.00 for destitute, 400.00 for the others, one counter
        return {"outpatient_paid": D("1000.00"), "major_paid": D("200000.00")}
    if all(c.category in BEIJING_CAPPED for c in certifications):
        return {"outpatient_paid": D("8000.00"), "inpatient_paid": D("160000.00")}
    return {}  # destitute, returned youth and 1960s workers have no cap


VISIT_TYPES = (
    "inpatient",
    "inpatient",
    "outpatient_chronic_special",
    "outpatient_general",
    "emergency_observation",
)
TIERS = ("critical_illness_insurance", "medical_assistance", "tilted_assistance", "major_illness_assistance")

cents = st.integers(min_value=0, max_value=30_000_000).map(lambda c: D(c).scaleb(-2))
days = st.integers(min_value=0, max_value=364).map(lambda n: date(YEAR, 1, 1) + timedelta(days=n))


@st.composite
def visits(draw, index: int = 0):
    discharged = draw(days)
    cost = draw(cents)
    basic = (cost * draw(st.sampled_from((D("0"), D("0.5"), D("0.7"))))).quantize(D("0.01"))
    return Visit(
        id=f"V{index}",
        type=draw(st.sampled_from(VISIT_TYPES)),
        admitted=discharged - timedelta(days=draw(st.integers(0, 20))),
        discharged=discharged,
        referral=draw(st.sampled_from(("referred", "not_required", "unreferred"))),
        policy_scope_cost=cost,
        basic_insurance_paid=basic,
        in_province=draw(st.booleans()),
        in_city=draw(st.booleans()),
        offsite_filed=draw(st.booleans()),
    )


@st.composite
def years(draw):
    jurisdiction = draw(st.sampled_from(sorted(PARAMETERS)))
    codes = draw(st.lists(st.sampled_from(CATEGORIES[jurisdiction]), min_size=0, max_size=3))
    certifications = tuple(
        Certification(
            code, start, start + timedelta(days=draw(st.integers(0, 400))) if draw(st.booleans()) else None
        )
        for code in codes
        for start in [date(2022, 6, 1) + timedelta(days=draw(st.integers(0, 500)))]
    )
    count = draw(st.integers(min_value=1, max_value=8))
    year_visits = sorted((draw(visits(i)) for i in range(count)), key=lambda v: v.discharged)
    return jurisdiction, certifications, year_visits


def _assess(jurisdiction, certifications, ledger, visit):
    return assess_visit(
        jurisdiction=jurisdiction,
        year=YEAR,
        parameters=PARAMETERS[jurisdiction],
        certifications=certifications,
        ledger=ledger,
        visit=visit,
    )


@settings(max_examples=150, deadline=None)
@given(years())
def test_tiers_are_never_negative_add_up_and_caps_hold_over_a_year(year):
    jurisdiction, certifications, year_visits = year
    ledger = Ledger()
    for visit in year_visits:
        assessment = _assess(jurisdiction, certifications, ledger, visit)
        result = assessment.result
        tiers = [getattr(result, tier) for tier in TIERS]
        assert all(tier >= 0 for tier in tiers)
        assert result.personal_burden >= 0
        assert sum(tiers) + result.personal_burden == visit.policy_scope_cost - visit.basic_insurance_paid
        assert all(tier == tier.quantize(D("0.01")) for tier in tiers)
        assert assessment.ledger == ledger.apply(assessment.deltas)
        ledger = assessment.ledger
        for counter, cap in annual_caps(jurisdiction, certifications).items():
            assert ledger[counter] <= cap


@settings(max_examples=150, deadline=None)
@given(years(), cents)
def test_a_higher_cost_never_lowers_the_aid_of_the_same_visit(year, extra):
    jurisdiction, certifications, year_visits = year
    ledger = Ledger()
    for visit in year_visits[:-1]:
        ledger = _assess(jurisdiction, certifications, ledger, visit).ledger
    visit = year_visits[-1]
    dearer = replace(visit, policy_scope_cost=visit.policy_scope_cost + extra)
    low = _assess(jurisdiction, certifications, ledger, visit).result
    high = _assess(jurisdiction, certifications, ledger, dearer).result
    assert _aid(high) >= _aid(low)


def _aid(result) -> Decimal:
    return sum((getattr(result, tier) for tier in TIERS), D("0"))


# SCENARIOS Clarifications 22-24 ---------------------------------------------------------------------------

fractions = st.integers(min_value=0, max_value=100).map(lambda n: D(n) / 100)


def _ledger_before_last(jurisdiction, certifications, year_visits) -> Ledger:
    ledger = Ledger()
    for visit in year_visits[:-1]:
        ledger = _assess(jurisdiction, certifications, ledger, visit).ledger
    return ledger


@settings(max_examples=150, deadline=None)
@given(years(), fractions)
def test_supplementary_insurance_never_raises_the_burden_and_payers_never_exceed_the_bill(year, share):
    jurisdiction, certifications, year_visits = year
    ledger = _ledger_before_last(jurisdiction, certifications, year_visits)
    visit = year_visits[-1]
    without = _assess(jurisdiction, certifications, ledger, visit).result
    room = visit.policy_scope_cost - visit.basic_insurance_paid - without.critical_illness_insurance
    supplementary = (room * share).quantize(D("0.01"))
    result = _assess(
        jurisdiction, certifications, ledger, replace(visit, supplementary_paid=supplementary)
    ).result
    assert result.personal_burden <= without.personal_burden
    payers = visit.basic_insurance_paid + supplementary + _aid(result) + result.personal_burden
    assert payers == visit.policy_scope_cost


@settings(max_examples=150, deadline=None)
@given(years())
def test_the_category_chosen_leaves_no_higher_burden_than_any_other_valid_category(year):
    jurisdiction, certifications, year_visits = year
    ledger = _ledger_before_last(jurisdiction, certifications, year_visits)
    visit = year_visits[-1]
    chosen = _assess(jurisdiction, certifications, ledger, visit).result
    for certification in certifications:
        alone = _assess(jurisdiction, (certification,), ledger, visit).result
        if alone.category is not None:  # valid during the visit, and in force
            assert chosen.personal_burden <= alone.personal_burden


@settings(max_examples=150, deadline=None)
@given(years(), fractions, st.booleans())
def test_an_employee_visits_critical_illness_tier_is_the_amount_given_or_nothing(year, share, given_amount):
    jurisdiction, certifications, year_visits = year
    ledger = _ledger_before_last(jurisdiction, certifications, year_visits)
    visit = year_visits[-1]
    amount = ((visit.policy_scope_cost - visit.basic_insurance_paid) * share).quantize(D("0.01"))
    employee = replace(
        visit, insurance_scheme="employee", critical_illness_paid=amount if given_amount else None
    )
    assessment = _assess(jurisdiction, certifications, ledger, employee)
    assert assessment.result.critical_illness_insurance == (amount if given_amount else D("0.00"))
    assert "ci_base" not in assessment.deltas  # stays out of the resident 大病 base


# The generic tier list (``VisitResult.tiers``) ------------------------------------------------------------


def _caps(policy) -> dict[str, Decimal]:
    """Every annual cap the compiled policy declares, by the counter it bounds: each residual layer's, and
    each pool's highest cap over the categories (a category's own cap is lower or equal)."""
    caps: dict[str, Decimal] = {}
    for layer in policy.layers:
        if layer.cap is not None:
            caps[layer.paid_counter] = layer.cap
    for terms in policy.categories.values():
        for pool, pool_terms in terms.pools.items():
            counter = f"{pool}_paid"
            if pool_terms.cap is None:
                caps[counter] = None
            elif caps.get(counter, D("0")) is not None:
                caps[counter] = max(caps.get(counter, D("0")), pool_terms.cap)
    return {counter: cap for counter, cap in caps.items() if cap is not None}


@settings(max_examples=150, deadline=None)
@given(years())
def test_the_tier_list_follows_the_jurisdiction_never_negative_within_caps_and_adds_up(year):
    jurisdiction, certifications, year_visits = year
    policy = compile_policy(jurisdiction, YEAR, PARAMETERS[jurisdiction])
    caps = _caps(policy)
    ledger = Ledger()
    for visit in year_visits:
        assessment = _assess(jurisdiction, certifications, ledger, visit)
        result = assessment.result
        assert [tier.code for tier in result.tiers] == [name.code for name in policy.tiers]
        assert all(
            tier.amount >= 0 and tier.amount == tier.amount.quantize(D("0.01")) for tier in result.tiers
        )
        assert all(tier.fund == result.fund for tier in result.tiers)
        base = visit.policy_scope_cost - visit.basic_insurance_paid - result.critical_illness_insurance
        assert sum(tier.amount for tier in result.tiers) + result.personal_burden == base
        ledger = assessment.ledger
        assert all(ledger[counter] <= cap for counter, cap in caps.items())


@settings(max_examples=150, deadline=None)
@given(years(), cents)
def test_a_higher_cost_never_lowers_the_sum_of_the_tiers(year, extra):
    jurisdiction, certifications, year_visits = year
    ledger = _ledger_before_last(jurisdiction, certifications, year_visits)
    visit = year_visits[-1]
    dearer = replace(visit, policy_scope_cost=visit.policy_scope_cost + extra)
    low = _assess(jurisdiction, certifications, ledger, visit).result
    high = _assess(jurisdiction, certifications, ledger, dearer).result
    aid = [r.critical_illness_insurance + sum(t.amount for t in r.tiers) for r in (low, high)]
    assert aid[1] >= aid[0]
