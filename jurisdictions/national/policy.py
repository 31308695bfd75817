"""National guideline: 国办发〔2021〕42号, seed ``001_a3728ad5b097c492.txt`` (RULES section 2).

The guideline fixes ranges, so it serves as the rules of a pooling area without its own text
(SCENARIOS Clarification 8) and as validation of local values:
- Categories: 「对低保对象、特困人员、低保边缘家庭成员和纳入监测范围的农村易返贫致贫人口，按规定给予救助。
  …因病致贫重病患者，根据实际给予一定救助」; 「县级以上地方人民政府规定的其他特殊困难人员，按上述救助对象
  类别给予相应救助」 [001:L24].
- Deductibles: 「对低保对象、特困人员原则上取消起付标准，暂不具备条件的地区，其起付标准不得高于
  所在统筹地区上年居民人均可支配收入的5%…低保边缘家庭成员起付标准按所在统筹地区上年居民人均可支配收入
  的10%左右确定，因病致贫重病患者按25%左右确定」 [001:L30].
- Ratios: 「对低保对象、特困人员符合规定的医疗费用可按不低于70%的比例救助，其他救助对象救助比例原则上略低于
  低保对象」 [001:L30]: the other ratios are parameters (``ratios``), monitored rural's deductible too
  (``deductible_rates``; 「…按巩固拓展医疗保障脱贫攻坚成果有效衔接乡村振兴战略有关政策规定执行」 [001:L30]).
- Scope and cap: 「救助费用主要覆盖…住院费用、因慢性病需长期服药或患重特大疾病需长期门诊治疗的
  费用」 [001:L29]; 「门诊和住院救助共用年度救助限额」 [001:L31].
- Referral: 「未按规定转诊的救助对象，所发生的医疗费用原则上不纳入医疗救助范围」 [001:L41].
- 大病 tilt and 倾斜救助 have no numbers in the text (NAT-07, NAT-16): 0 unless ``critical_illness_paid``.
- The guideline is dated 2021-10-28; nothing before it is in force (Clarification 18).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from settlements.policy.errors import PolicyInputError, Problem
from settlements.policy.rules import (
    DEFAULT_SWITCHES,
    REGULAR_ASSISTANCE,
    CategoryTerms,
    Policy,
    PoolTerms,
    Switches,
    income_share,
    other_special_alias,
    required,
)
from settlements.policy.types import Category, Parameters, Pool, VisitType

# Its assistance tiers: regular assistance only.
TIERS = (REGULAR_ASSISTANCE,)

NAME_ZH = "国家指导意见"

CATEGORY_NAMES: dict[str, str] = {
    Category.DESTITUTE: "特困人员",
    Category.DIBAO: "低保对象",
    Category.MONITORED_RURAL: "纳入监测范围的农村易返贫致贫人口",
    Category.MARGINAL: "低保边缘家庭成员",
    Category.ILLNESS_IMPOVERISHED: "因病致贫重病患者",
}

# Clarification 13: destitute > dibao > monitored rural > marginal > illness-impoverished.
RANK = (
    Category.DESTITUTE,
    Category.DIBAO,
    Category.MONITORED_RURAL,
    Category.MARGINAL,
    Category.ILLNESS_IMPOVERISHED,
)

# NAT-10, NAT-12: limits a local value for destitute and dibao must respect (Clarification 21).
GUARANTEED_CATEGORIES: frozenset[str] = frozenset({Category.DESTITUTE, Category.DIBAO})
MINIMUM_GUARANTEED_RATIO = Decimal("0.70")
MAXIMUM_GUARANTEED_DEDUCTIBLE_RATE = Decimal("0.05")


@dataclass(frozen=True)
class NationalConfig:
    """Values the guideline fixes and the project's readings; every field is a switch."""

    deductible_rates: tuple[tuple[str, Decimal], ...] = (
        (Category.DESTITUTE, Decimal("0")),
        (Category.DIBAO, Decimal("0")),
        (Category.MARGINAL, Decimal("0.10")),
        (Category.ILLNESS_IMPOVERISHED, Decimal("0.25")),
    )
    ratios: tuple[tuple[str, Decimal], ...] = (
        (Category.DESTITUTE, MINIMUM_GUARANTEED_RATIO),
        (Category.DIBAO, MINIMUM_GUARANTEED_RATIO),
    )
    general_outpatient_covered: bool = False  # A-N2 ``scope.general_outpatient``
    unreferred_excluded: bool = True  # A-N3 ``referral.unreferred_excluded``
    rank: tuple[str, ...] = RANK
    effective_from: date = date(2021, 10, 28)
    other_special_targets: frozenset[str] = frozenset(RANK)  # Clarification 21
    switches: Switches = DEFAULT_SWITCHES


CONFIG = NationalConfig()


def _local_rates(pairs: tuple[tuple[str, Decimal], ...], name: str) -> dict[str, Decimal]:
    rates = {}
    for code, rate in pairs:
        if code not in RANK:
            raise PolicyInputError(
                f'parameters.{name}.{code}: "{code}" is not a national category',
                problem=Problem.NOT_A_CATEGORY,
            )
        if not Decimal(0) <= rate <= Decimal(1):
            raise PolicyInputError(
                f'parameters.{name}.{code}: rate "{rate}" is not between 0 and 1', problem=Problem.RATE_RANGE
            )
        rates[code] = rate
    return rates


def build_policy(year: int, parameters: Parameters, config: NationalConfig) -> Policy:
    """The guideline's rules for ``year`` with the local ``ratios`` and ``deductible_rates``."""
    income = required(parameters.income_last_year, "income_last_year", "national")
    ratios = dict(config.ratios) | _local_rates(parameters.ratios, "ratios")
    local_deductible_rates = _local_rates(parameters.deductible_rates, "deductible_rates")
    deductible_rates = dict(config.deductible_rates) | local_deductible_rates
    for code in GUARANTEED_CATEGORIES:
        if ratios[code] < MINIMUM_GUARANTEED_RATIO:
            raise PolicyInputError(
                f'parameters.ratios.{code}: "{ratios[code]}" is below the guideline\'s 0.70 (NAT-12)',
                problem=Problem.BELOW_LIMIT,
                limit=str(MINIMUM_GUARANTEED_RATIO),
            )
        if deductible_rates[code] > MAXIMUM_GUARANTEED_DEDUCTIBLE_RATE:
            raise PolicyInputError(
                f'parameters.deductible_rates.{code}: "{deductible_rates[code]}" is above the '
                "guideline's 0.05 (NAT-10)",
                problem=Problem.ABOVE_LIMIT,
                limit=str(MAXIMUM_GUARANTEED_DEDUCTIBLE_RATE),
            )
    categories: dict[str, CategoryTerms] = {}
    missing: dict[str, str] = {}
    for rank, code in enumerate(config.rank):
        if code not in ratios:
            missing[code] = f"parameters.ratios.{code}: required by a {code} certification"
            continue
        if code not in deductible_rates:
            missing[code] = f"parameters.deductible_rates.{code}: required by a {code} certification"
            continue
        pool = PoolTerms(
            ratio=ratios[code],
            cap=parameters.assistance_annual_cap,
            deductible=income_share(income, deductible_rates[code]),
        )
        categories[code] = CategoryTerms(
            code=code,
            name_zh=CATEGORY_NAMES[code],
            rank=rank,
            pools={Pool.INPATIENT: pool},
            application_pools=frozenset(),
            ci=None,
            ci_tilted=False,
            in_force_from=config.effective_from,
        )
    visit_pools: dict[str, Pool] = {
        VisitType.INPATIENT: Pool.INPATIENT,
        VisitType.OUTPATIENT_CHRONIC_SPECIAL: Pool.INPATIENT,
    }
    if config.general_outpatient_covered:
        visit_pools[VisitType.OUTPATIENT_GENERAL] = Pool.INPATIENT
    return Policy(
        jurisdiction="national",
        name_zh=NAME_ZH,
        year=year,
        categories=categories,
        aliases=other_special_alias(parameters, config.other_special_targets, "national"),
        known_categories=frozenset({*config.rank, Category.OTHER_SPECIAL}),
        missing=missing,
        visit_pools=visit_pools,
        pool_names_zh={Pool.INPATIENT: "医疗救助（门诊慢特病和住院共用限额）"},
        ci_visit_types=frozenset({VisitType.INPATIENT, VisitType.OUTPATIENT_CHRONIC_SPECIAL}),
        ci_ordinary=None,
        ci_from=config.effective_from,
        effective_from=config.effective_from,
        general_from=config.effective_from,
        expires=None,
        tiers=TIERS,
        layers=(),
        unreferred_excluded=config.unreferred_excluded,
        checks_offsite_filing=False,
        offsite_unfiled_covered=True,
        switches=config.switches,
    )
