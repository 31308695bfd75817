"""Beijing (北京): 京医保发〔2022〕37号, seed ``003_d9f5d34aca602921.txt`` (RULES section 4).

- Categories: 「1. 特困供养人员、民政部门管理的因公(病)致残返城知青; 2. 民政部门管理的享受原工资
  40%救济的60年代初精减退职老职工; 3. 最低生活保障对象以及生活困难补助人员; 4. 城乡低收入家庭救助人员」
  [003:L27–30], and
  因病致贫家庭重病患者 [003:L34]; 「同时符合以上多重救助身份的人员按就高不就低原则给予救助」 [003:L36].
- 大病: 「对特困供养人员、最低生活保障对象以及生活困难补助人员、城乡低收入家庭救助人员等困难人群,
  其城镇职工大病医疗保障、城乡居民大病保险起付标准降低 50%,各费用段报销比例分别提高 5 个百分点」
  [003:L62–64]; the base schedule is a parameter (L-BJ1).
- 「医疗救助不设起付标准」 [003:L68]. Outpatient [003:L72–76]: 100% / 80% / 80% up to 「全年救助最高支付限额
  8000 元」. Inpatient [003:L80–84]: 100% / 85% / 85% up to 「全年救助最高支付限额 16 万元」.
- 门特 and 急诊留观: 「…按不同医疗救助对象类别的住院救助标准给予救助, 相应救助金额并入住院年度累计救助最高支付
  限额」 [003:L92].
- Annual household aid: 「…按照 3 万元(含)以下 30%、3 万元以上至 5 万元(含)以下 40%、5 万元以上 50% 的比例分段
  给予医疗救助, 同一自然年度内只能申请一次, 全年救助最高支付限额 15 万元」 [003:L88].
- Identity change: 「…退出社会救助对象身份的,当次门诊或住院按原救助对象身份办理。…取得社会救助对象资格的,当次
  门诊或住院按新取得救助对象标准办理」 [003:L128]; referral 「未按规定转诊的救助对象,所发生的医疗费用原则上不
  纳入医疗救助范围」 and 「市域外网上异地就医备案、异地安置执行本市救助标准」 [003:L128].
- 「本实施意见自2023年1月1日起实施」 [003:L144].
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from settlements.policy.errors import PolicyInputError
from settlements.policy.rules import (
    DEFAULT_SWITCHES,
    REGULAR_ASSISTANCE,
    CategoryTerms,
    CiSchedule,
    HouseholdTerms,
    Policy,
    PoolTerms,
    Switches,
)
from settlements.policy.types import Category, Parameters, Pool, Segment, VisitType

# Its assistance tiers: regular assistance only.
TIERS = (REGULAR_ASSISTANCE,)

NAME_ZH = "北京市"

CATEGORY_NAMES: dict[str, str] = {
    Category.DESTITUTE: "特困供养人员",
    Category.BEIJING_RETURNED_YOUTH_DISABLED: "民政部门管理的因公(病)致残返城知青",
    Category.BEIJING_DOWNSIZED_1960S_WORKER: "民政部门管理的享受原工资40%救济的60年代初精减退职老职工",
    Category.DIBAO: "最低生活保障对象",
    Category.BEIJING_HARDSHIP_SUBSIDY: "生活困难补助人员",
    Category.BEIJING_LOW_INCOME: "城乡低收入家庭救助人员",
    Category.ILLNESS_IMPOVERISHED: "因病致贫家庭重病患者",
}

# Clarification 13: destitute > returned youth > 1960s worker > dibao > hardship subsidy > low income >
# illness-impoverished; equal benefits report the first code.
RANK = tuple(CATEGORY_NAMES)

_FULL = PoolTerms(ratio=Decimal("1.00"), cap=None)

# (outpatient, inpatient) terms: 门诊救助 [003:L72–76] and 住院救助 [003:L80–84].
POOL_TERMS = {
    Category.DESTITUTE: (_FULL, _FULL),
    Category.BEIJING_RETURNED_YOUTH_DISABLED: (_FULL, _FULL),
    Category.BEIJING_DOWNSIZED_1960S_WORKER: (
        PoolTerms(ratio=Decimal("0.80"), cap=None),
        PoolTerms(ratio=Decimal("0.85"), cap=None),
    ),
    Category.DIBAO: (
        PoolTerms(ratio=Decimal("0.80"), cap=Decimal("8000.00")),
        PoolTerms(ratio=Decimal("0.85"), cap=Decimal("160000.00")),
    ),
}
POOL_TERMS[Category.BEIJING_HARDSHIP_SUBSIDY] = POOL_TERMS[Category.DIBAO]
POOL_TERMS[Category.BEIJING_LOW_INCOME] = POOL_TERMS[Category.DIBAO]


@dataclass(frozen=True)
class BeijingConfig:
    """Built-in values of 京医保发〔2022〕37号 and the project's readings; every field is a switch."""

    pool_terms: tuple[tuple[str, tuple[PoolTerms, PoolTerms]], ...] = tuple(POOL_TERMS.items())
    # A-BJ1 ``ci.tilt_categories``: the named groups only.
    ci_tilt_categories: frozenset[str] = frozenset(
        {Category.DESTITUTE, Category.DIBAO, Category.BEIJING_HARDSHIP_SUBSIDY, Category.BEIJING_LOW_INCOME}
    )
    ci_tilt_threshold_cut: Decimal = Decimal("0.50")  # 起付标准降低 50% [003:L64]
    ci_tilt_ratio_add: Decimal = Decimal("0.05")  # 各费用段报销比例分别提高 5 个百分点 [003:L64]
    ci_segments_relative: bool = True  # A-BJ2 ``ci.segment_mode``
    # BJ-A3, A-BJ6 ``er_observation.requires_mente``: 门特 and its 急诊留观 join the inpatient pool.
    visit_pools: tuple[tuple[str, Pool], ...] = (
        (VisitType.OUTPATIENT_GENERAL, Pool.OUTPATIENT),
        (VisitType.INPATIENT, Pool.INPATIENT),
        (VisitType.OUTPATIENT_CHRONIC_SPECIAL, Pool.INPATIENT),
        (VisitType.EMERGENCY_OBSERVATION, Pool.INPATIENT),
    )
    unreferred_excluded: bool = True  # A-N3 ``referral.unreferred_excluded`` [003:L128]
    offsite_unfiled_covered: bool = False  # A-BJ5 ``offsite.unfiled_covered``
    household_brackets: tuple[Segment, ...] = (
        Segment(Decimal("30000.00"), Decimal("0.30")),
        Segment(Decimal("50000.00"), Decimal("0.40")),
        Segment(None, Decimal("0.50")),
    )
    household_cap: Decimal = Decimal("150000.00")  # 全年救助最高支付限额 15 万元 [003:L88]
    household_max_per_year: int = 1  # A-BJ4 ``ii.max_applications``
    household_aggregate: bool = True  # A-BJ3 ``ii.aggregation``
    household_rule_date_is_application: bool = True  # A-BJ8 ``ii.rule_date``
    rank: tuple[str, ...] = RANK
    effective_from: date = date(2023, 1, 1)  # [003:L144]
    switches: Switches = DEFAULT_SWITCHES


CONFIG = BeijingConfig()


def _ci_schedule(parameters: Parameters, relative: bool) -> CiSchedule | None:
    """L-BJ1: the base 大病 schedule is local; threshold and segments come together or not at all."""
    threshold, segments = parameters.critical_illness_threshold, parameters.critical_illness_segments
    if threshold is None and not segments:
        return None
    if threshold is None or not segments:
        raise PolicyInputError(
            "parameters.critical_illness_threshold: the threshold and critical_illness_segments go together"
        )
    return CiSchedule(threshold=threshold, segments=segments, relative=relative)


def build_policy(year: int, parameters: Parameters, config: BeijingConfig) -> Policy:
    """Beijing's rules for ``year``; the 大病 tier only when its schedule is given."""
    ordinary = _ci_schedule(parameters, config.ci_segments_relative)
    tilted = ordinary.tilted(config.ci_tilt_threshold_cut, config.ci_tilt_ratio_add) if ordinary else None
    pool_terms = dict(config.pool_terms)
    categories: dict[str, CategoryTerms] = {}
    for rank, code in enumerate(config.rank):
        ci_tilted = code in config.ci_tilt_categories
        pools: dict[Pool, PoolTerms]
        application_pools: frozenset[Pool]
        if code in pool_terms:
            outpatient, inpatient = pool_terms[code]
            pools, application_pools = {Pool.OUTPATIENT: outpatient, Pool.INPATIENT: inpatient}, frozenset()
        else:  # 因病致贫家庭重病患者: paid once a year through the household application (BJ-II1)
            pools, application_pools = {}, frozenset(Pool)
        categories[code] = CategoryTerms(
            code=code,
            name_zh=CATEGORY_NAMES[code],
            rank=rank,
            pools=pools,
            application_pools=application_pools,
            ci=tilted if ci_tilted else ordinary,
            ci_tilted=ci_tilted and tilted is not None,
            in_force_from=config.effective_from,
        )
    inpatient_types = frozenset(t for t, pool in config.visit_pools if pool == Pool.INPATIENT)
    return Policy(
        jurisdiction="beijing",
        name_zh=NAME_ZH,
        year=year,
        categories=categories,
        aliases={},
        known_categories=frozenset(config.rank),
        missing={},
        visit_pools=dict(config.visit_pools),
        pool_names_zh={Pool.OUTPATIENT: "门诊救助", Pool.INPATIENT: "住院救助（含门特、急诊留观）"},
        ci_visit_types=inpatient_types,  # Clarification 6: the inpatient pool
        ci_ordinary=ordinary,
        ci_from=config.effective_from,
        effective_from=config.effective_from,
        general_from=config.effective_from,
        expires=None,
        tiers=TIERS,
        layers=(),
        unreferred_excluded=config.unreferred_excluded,
        checks_offsite_filing=True,
        offsite_unfiled_covered=config.offsite_unfiled_covered,
        switches=config.switches,
        household=HouseholdTerms(
            brackets=config.household_brackets,
            cap=config.household_cap,
            max_per_year=config.household_max_per_year,
            cost_year_offset=1,
            aggregate_household=config.household_aggregate,
            rule_date_is_application=config.household_rule_date_is_application,
            category=Category.ILLNESS_IMPOVERISHED,
        ),
    )
