"""Mianyang's policy-year parameters: the annual cap 「…科学确定并另行发布」 [002:L35] and 倾斜救助's threshold
(当地防止返贫监测收入标准 [002:L33]) and cap; its ratios and deductible rates are the text's [002:L31]."""

from dataclasses import dataclass, field
from decimal import Decimal

from jurisdictions.mianyang.policy import CONFIG, RANK
from jurisdictions.parameters import CAP, MONEY, ZERO, AnnualCap, OtherSpecial, Text, parameter


@dataclass(frozen=True)
class MianyangParameters(OtherSpecial, AnnualCap):
    """绵办规〔2022〕6号: regular assistance's cap and 倾斜救助's threshold and cap, set each year."""

    categories = RANK
    fixed = (
        (Text("救助比例（政策文件规定）", "Assistance ratios (set by the policy text)"), dict(CONFIG.ratios)),
        (
            Text("起付标准比例（政策文件规定）", "Deductible rates (set by the policy text)"),
            dict(CONFIG.deductible_rates),
        ),
    )

    tilt_threshold: Decimal | None = field(
        default=None,
        metadata=parameter(
            MONEY,
            Text("防止返贫监测收入标准（倾斜救助起付线）", "Monitoring income line (tilted-aid threshold)"),
            Text(
                "个人年度累计自付费用超过此标准的部分给予倾斜救助",
                "Tilted aid pays on the year's own payments above this line",
            ),
            required=True,
            minimum=ZERO,
        ),
    )
    tilt_annual_cap: Decimal | None = field(
        default=None,
        metadata=parameter(
            CAP,
            Text("倾斜救助年度限额", "Annual tilted-aid cap"),
            Text("留空表示不设限额", "Blank = no cap"),
            minimum=ZERO,
        ),
    )
