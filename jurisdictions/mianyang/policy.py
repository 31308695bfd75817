"""Mianyang (绵阳): 绵办规〔2022〕6号, seed ``002_e82a170e5d22fc41.txt`` (RULES section 3).

- Six categories: 「救助对象包含特困人员、孤儿、低保对象、低保边缘家庭成员、纳入监测范围的农村易返贫致贫人口
  （以下称防止返贫监测对象）以及…（以下称因病致贫重病患者）6类对象」 [002:L21]; 「县级以上地方人民政府规定的
  其他特殊困难人员，按上述救助对象类别给予相应救助」 [002:L21].
- 大病保险: 「大病保险起付线统一至绵阳市上一年度居民人均可支配收入的 50%，政策范围内支付比例提高到 60%，取消
  封顶线」; 「对特困人员、孤儿、低保对象统一执行起付线降低 50%、报销比例提高 5 个百分点的倾斜支付政策」
  [002:L27].
- Regular assistance: 「特困人员、孤儿、低保对象全面取消起付标准，对防止返贫监测对象的起付标准按不高于绵阳市
  上年居民人均可支配收入的5%确定，低保边缘家庭成员起付标准按10%确定，因病致贫重病患者起付标准按25%确定」;
  「门诊慢特病和住院医疗费用合并计算起付标准，共用年度救助限额」; 「对特困人员、孤儿给予全额救助，对低保对象
  按不低于70%的比例救助，对防止返贫监测对象按65%的比例救助，对低保边缘家庭成员、因病致贫重病患者按50%的
  比例救助」 [002:L31]. The annual cap is a parameter: 「…科学确定并另行发布」 [002:L35].
- 倾斜救助: 「对规范转诊且在省域内就医的救助对象，经三重制度综合保障后政策范围内个人年度累计自付费用仍超过
  当地防止返贫监测收入标准的部分，给予倾斜救助，救助比例按 50% 执行」 [002:L33].
- 「困难群众具有多重特殊身份属性的，按照就高不就低原则纳入救助范围，避免重复救助」 [002:L35].
- Referral: 「未按规定转诊的救助对象，所发生的医疗费用原则上不纳入医疗救助范围」 [002:L45].
- In force: 「本实施意见自 2023 年 1 月 1 日起施行，有效期 5 年。本实施意见关于“倾斜救助”待遇以及
  “孤儿”救助待遇相关政策自 2022 年 9 月 1 日起执行」 [002:L61] (SCENARIOS Clarification 7).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jurisdictions.spec import gettext_noop
from settlements.policy import explain
from settlements.policy.results import TILTED_ASSISTANCE, TierName
from settlements.policy.rules import (
    REGULAR_ASSISTANCE,
    CategoryTerms,
    CiSchedule,
    Policy,
    PoolTerms,
    ResidualLayer,
    Switches,
    income_share,
    other_special_alias,
    required,
)
from settlements.policy.types import Category, Parameters, Pool, Segment, VisitType

NAME_ZH = "绵阳市"

# 倾斜救助 (MY-T1): an annual-residual layer after regular assistance.
TILT = TierName(TILTED_ASSISTANCE, gettext_noop("倾斜救助"), "Tilted assistance")
TIERS = (REGULAR_ASSISTANCE, TILT)

CATEGORY_NAMES: dict[str, str] = {
    Category.DESTITUTE: "特困人员",
    Category.ORPHAN: "孤儿",
    Category.DIBAO: "低保对象",
    Category.MONITORED_RURAL: "防止返贫监测对象",
    Category.MARGINAL: "低保边缘家庭成员",
    Category.ILLNESS_IMPOVERISHED: "因病致贫重病患者",
}

# 就高不就低 (MY-M1): destitute = orphan > dibao > monitored rural > marginal > illness-impoverished; when
# destitute and orphan are both valid, destitute is reported (Clarification 13).
RANK = (
    Category.DESTITUTE,
    Category.ORPHAN,
    Category.DIBAO,
    Category.MONITORED_RURAL,
    Category.MARGINAL,
    Category.ILLNESS_IMPOVERISHED,
)


WRITTEN_APPLICATION_SWITCHES = Switches(settled_on_extends_identity=True)


@dataclass(frozen=True)
class MianyangConfig:
    """Built-in values of 绵办规〔2022〕6号 and the project's readings; every field is a switch."""

    ci_threshold_rate: Decimal = Decimal("0.50")  # 大病 threshold, share of income [002:L27]
    ci_ratio: Decimal = Decimal("0.60")  # 大病 ratio [002:L27]
    ci_tilt_categories: frozenset[str] = frozenset({Category.DESTITUTE, Category.ORPHAN, Category.DIBAO})
    ci_tilt_threshold_cut: Decimal = Decimal("0.50")  # 起付线降低 50% [002:L27]
    ci_tilt_ratio_add: Decimal = Decimal("0.05")  # 报销比例提高 5 个百分点 [002:L27]
    # A-MY9 ``ci.scope``: 住院 and 门诊慢特病 enter the 大病 base, 普通门诊 does not.
    ci_visit_types: frozenset[str] = frozenset({VisitType.INPATIENT, VisitType.OUTPATIENT_CHRONIC_SPECIAL})
    # L-MY2 ``deductible_pct``: annual deductibles as shares of income [002:L31] (monitored rural ≤ 5%).
    deductible_rates: tuple[tuple[str, Decimal], ...] = (
        (Category.DESTITUTE, Decimal("0")),
        (Category.ORPHAN, Decimal("0")),
        (Category.DIBAO, Decimal("0")),
        (Category.MONITORED_RURAL, Decimal("0.05")),
        (Category.MARGINAL, Decimal("0.10")),
        (Category.ILLNESS_IMPOVERISHED, Decimal("0.25")),
    )
    # L-MY2 ``ratio``: [002:L31] (dibao 不低于70%).
    ratios: tuple[tuple[str, Decimal], ...] = (
        (Category.DESTITUTE, Decimal("1.00")),
        (Category.ORPHAN, Decimal("1.00")),
        (Category.DIBAO, Decimal("0.70")),
        (Category.MONITORED_RURAL, Decimal("0.65")),
        (Category.MARGINAL, Decimal("0.50")),
        (Category.ILLNESS_IMPOVERISHED, Decimal("0.50")),
    )
    # A-MY2 ``cap_by_category``: None = one cap for every category (``assistance_annual_cap``).
    category_caps: tuple[tuple[str, Decimal | None], ...] | None = None
    general_outpatient_covered: bool = False  # A-MY1 ``scope.general_outpatient`` [002:L29]
    unreferred_excluded: bool = True  # A-N3 ``referral.unreferred_excluded`` [002:L45]
    tilt_ratio: Decimal = Decimal("0.50")  # 救助比例按 50% 执行 [002:L33]
    tilt_categories: frozenset[str] = frozenset(RANK)  # A-MY4 ``tilt.categories``: all six
    tilt_base_qualifying_only: bool = True  # A-MY3 ``tilt.base``
    rank: tuple[str, ...] = RANK
    orphan_and_tilt_from: date = date(2022, 9, 1)  # [002:L61]
    general_from: date = date(2023, 1, 1)  # [002:L61]
    expires: date | None = date(2027, 12, 31)  # 有效期 5 年 [002:L61]
    other_special_targets: frozenset[str] = frozenset(RANK)  # Clarification 21
    switches: Switches = WRITTEN_APPLICATION_SWITCHES  # A-MY8: identities valid up to settled_on


CONFIG = MianyangConfig()


def build_policy(year: int, parameters: Parameters, config: MianyangConfig) -> Policy:
    """Mianyang's rules for ``year`` with the year's parameters."""
    income = required(parameters.income_last_year, "income_last_year", "mianyang")
    tilt_threshold = required(parameters.tilt_threshold, "tilt_threshold", "mianyang")
    ordinary = CiSchedule(
        threshold=income_share(income, config.ci_threshold_rate), segments=(Segment(None, config.ci_ratio),)
    )
    tilted = ordinary.tilted(config.ci_tilt_threshold_cut, config.ci_tilt_ratio_add)
    deductible_rates = dict(config.deductible_rates)
    ratios = dict(config.ratios)
    caps = dict(config.category_caps) if config.category_caps is not None else {}
    tilt = ResidualLayer(
        tier=TILT,
        counter="tilt",
        threshold=tilt_threshold,
        ratio=config.tilt_ratio,
        cap=parameters.tilt_annual_cap,
        template=explain.TILT,
        # 「对规范转诊且在省域内就医的救助对象」 [002:L33]
        requires_referral=True,
        requires_in_province=True,
        count_unqualified=not config.tilt_base_qualifying_only,
        unqualified=explain.TILT_OUT_OF_PROVINCE,
    )
    categories: dict[str, CategoryTerms] = {}
    for rank, code in enumerate(config.rank):
        pool = PoolTerms(
            ratio=ratios[code],
            cap=caps.get(code, parameters.assistance_annual_cap),
            deductible=income_share(income, deductible_rates[code]),
        )
        ci_tilted = code in config.ci_tilt_categories
        categories[code] = CategoryTerms(
            code=code,
            name_zh=CATEGORY_NAMES[code],
            rank=rank,
            pools={Pool.INPATIENT: pool},
            application_pools=frozenset(),
            ci=tilted if ci_tilted else ordinary,
            ci_tilted=ci_tilted,
            in_force_from=config.orphan_and_tilt_from if code == Category.ORPHAN else config.general_from,
            layers=(tilt,) if code in config.tilt_categories else (),
        )
    visit_pools: dict[str, Pool] = {
        VisitType.INPATIENT: Pool.INPATIENT,
        VisitType.OUTPATIENT_CHRONIC_SPECIAL: Pool.INPATIENT,
    }
    if config.general_outpatient_covered:
        visit_pools[VisitType.OUTPATIENT_GENERAL] = Pool.INPATIENT
    return Policy(
        jurisdiction="mianyang",
        name_zh=NAME_ZH,
        year=year,
        categories=categories,
        aliases=other_special_alias(parameters, config.other_special_targets, "mianyang"),
        known_categories=frozenset({*config.rank, Category.OTHER_SPECIAL}),
        missing={},
        visit_pools=visit_pools,
        pool_names_zh={Pool.INPATIENT: "医疗救助（门诊慢特病和住院合并计算）"},
        ci_visit_types=config.ci_visit_types,
        ci_ordinary=ordinary,
        ci_from=config.general_from,
        effective_from=config.orphan_and_tilt_from,
        general_from=config.general_from,
        expires=config.expires,
        tiers=TIERS,
        layers=(tilt,),
        unreferred_excluded=config.unreferred_excluded,
        checks_offsite_filing=False,
        offsite_unfiled_covered=True,
        switches=config.switches,
    )
