"""The national guideline's policy-year parameters: the annual cap, the local ratios and deductible rates
within the guideline's limits (NAT-10, NAT-12), the category of 其他特殊困难人员."""

from dataclasses import dataclass

from jurisdictions.national.policy import (
    CONFIG,
    GUARANTEED_CATEGORIES,
    MAXIMUM_GUARANTEED_DEDUCTIBLE_RATE,
    MINIMUM_GUARANTEED_RATIO,
    RANK,
)
from jurisdictions.parameters import AnnualCap, Bounds, CategoryRates, OtherSpecial, Text

GUIDELINE = Text("国家指导意见", "the national guideline")


@dataclass(frozen=True)
class NationalParameters(OtherSpecial, CategoryRates, AnnualCap):
    """国办发〔2021〕42号: 「对低保对象、特困人员符合规定的医疗费用可按不低于70%的比例救助」, their deductible
    「不得高于…上年居民人均可支配收入的5%」 [001:L30]; the other ratios and monitored rural's deductible are
    the locality's."""

    categories = RANK
    built_in = {"ratios": dict(CONFIG.ratios), "deductible_rates": dict(CONFIG.deductible_rates)}
    bounds = {
        "ratios": tuple(
            Bounds(code, minimum=MINIMUM_GUARANTEED_RATIO, source=GUIDELINE)
            for code in RANK
            if code in GUARANTEED_CATEGORIES
        ),
        "deductible_rates": tuple(
            Bounds(code, maximum=MAXIMUM_GUARANTEED_DEDUCTIBLE_RATE, source=GUIDELINE)
            for code in RANK
            if code in GUARANTEED_CATEGORIES
        ),
    }
