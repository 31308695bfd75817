"""Tianjin's policy-year parameters: the category of 其他特殊困难人员 (Clarification 21); the 若干措施 set
the rest [004:L26]."""

from dataclasses import dataclass

from jurisdictions.parameters import OtherSpecial, Text
from jurisdictions.tianjin.policy import CONFIG, RANK


@dataclass(frozen=True)
class TianjinParameters(OtherSpecial):
    """《关于健全重特大疾病医疗保险和救助制度的若干措施》: the income figure and 其他特殊困难人员 only."""

    categories = RANK
    choices = {"other_special_as": tuple(code for code in RANK if code in CONFIG.other_special_targets)}
    fixed = (
        (
            Text("住院救助比例（政策文件规定）", "Inpatient assistance ratios (set by the policy text)"),
            {code: ratio for code, _cap, _rate, ratio in CONFIG.assistance},
        ),
        (
            Text("住院起付标准比例（政策文件规定）", "Inpatient deductible rates (set by the policy text)"),
            {code: rate for code, _cap, rate, _ratio in CONFIG.assistance},
        ),
    )
