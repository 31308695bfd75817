"""The blocks of parameters shared by the packages: annual cap, 大病 schedule, category rates, 其他特殊困难人员."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jurisdictions.parameters.kinds import (
    CAP,
    CATEGORY,
    MONEY,
    RATES,
    SEGMENTS,
    ZERO,
    Problem,
    Segment,
    Text,
    parameter,
)
from jurisdictions.parameters.schema import ParameterSchema


@dataclass(frozen=True)
class AnnualCap(ParameterSchema):
    """医疗救助年度救助限额: one cap for every category, set by the city each year."""

    assistance_annual_cap: Decimal | None = field(
        default=None,
        metadata=parameter(
            CAP,
            Text("医疗救助年度限额", "Annual assistance cap"),
            Text(
                "门诊和住院共用的年度救助限额；留空表示不设限额",
                "Shared by outpatient and inpatient aid; blank = no cap",
            ),
            minimum=ZERO,
        ),
    )


@dataclass(frozen=True)
class CriticalIllnessSchedule(ParameterSchema):
    """The 大病保险 schedule of ordinary insured people, when the city sets it (threshold and segments)."""

    @classmethod
    def relations(cls, values: Mapping[str, Any]) -> list[Problem]:
        found = super().relations(values)
        if "critical_illness_threshold" in values and "critical_illness_segments" in values:
            threshold, segments = values["critical_illness_threshold"], values["critical_illness_segments"]
            if (threshold is None) != (not segments):
                name = "critical_illness_segments" if threshold is not None else "critical_illness_threshold"
                found.append(
                    Problem(
                        name,
                        Text(
                            "大病保险起付标准和分段比例须一起填写",
                            "the threshold and the segments are given together",
                        ),
                    )
                )
        return found

    critical_illness_threshold: Decimal | None = field(
        default=None,
        metadata=parameter(
            MONEY,
            Text("大病保险起付标准", "Critical-illness insurance threshold"),
            Text(
                "普通参保人员的起付标准（元）；与分段比例一起填写",
                "For ordinary insured people, with the segments",
            ),
            minimum=ZERO,
        ),
    )
    critical_illness_segments: tuple[Segment, ...] = field(
        default=(),
        metadata=parameter(
            SEGMENTS,
            Text("大病保险分段比例", "Critical-illness insurance segments"),
            Text(
                "每段：起付标准以上至“分段上限”的费用按“比例”支付；最后一段上限留空表示不设上限",
                "Each row pays its ratio up to its bound above the threshold; leave the last bound blank",
            ),
        ),
    )


@dataclass(frozen=True)
class CategoryRates(ParameterSchema):
    """救助比例 and 起付标准比例 per category, where the text leaves them to the locality."""

    ratios: Mapping[str, Decimal] = field(
        default_factory=dict,
        metadata=parameter(
            RATES,
            Text("救助比例", "Assistance ratios"),
            Text(
                "各类救助对象的救助比例，0 至 1 之间的小数；留空则用内置值",
                "Per category, a share between 0 and 1; blank = the built-in value",
            ),
            places=4,
        ),
    )
    deductible_rates: Mapping[str, Decimal] = field(
        default_factory=dict,
        metadata=parameter(
            RATES,
            Text("起付标准比例", "Deductible rates"),
            Text(
                "起付标准占上年居民人均可支配收入的比例；留空则用内置值",
                "Per category, a share of last year's income; blank = the built-in value",
            ),
            places=4,
        ),
    )


@dataclass(frozen=True)
class OtherSpecial(ParameterSchema):
    """其他特殊困难人员 are settled as the category the year names (SCENARIOS Clarification 21)."""

    other_special_as: str | None = field(
        default=None,
        metadata=parameter(
            CATEGORY,
            Text("其他特殊困难人员参照类别", "Other people in special hardship are settled as"),
            Text(
                "县级以上地方人民政府规定的其他特殊困难人员按此类别救助",
                "The category whose terms they receive",
            ),
        ),
    )
