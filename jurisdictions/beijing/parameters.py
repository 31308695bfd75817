"""Beijing's policy-year parameters: the base 大病 schedule is local (L-BJ1); the rest is the text's."""

from dataclasses import dataclass

from jurisdictions.beijing.policy import RANK
from jurisdictions.parameters import CriticalIllnessSchedule


@dataclass(frozen=True)
class BeijingParameters(CriticalIllnessSchedule):
    """京医保发〔2022〕37号: the ordinary 大病 threshold and segments the tilt 「降低 50%…提高 5 个百分点」
    applies to [003:L62–64]; without them the 大病 tier is not computed."""

    categories = RANK
    # Beijing's deductibles are amounts of the text, not shares of last year's income: only the alert reads it.
    not_for_settlement = (*CriticalIllnessSchedule.not_for_settlement, "income_last_year")
