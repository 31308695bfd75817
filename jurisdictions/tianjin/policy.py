"""Tianjin (天津): 《关于健全重特大疾病医疗保险和救助制度的若干措施》, seed ``004_ac70f0db19e0f0e7.txt``.

(RULES section 5.)
- Categories: 「本市特困人员、最低生活保障家庭成员、最低生活保障边缘家庭成员（包括低收入家庭成员，下同）以及
  符合本市规定的其他特殊困难人员，纳入医疗救助对象范围」; 因病致贫重病患者 「依申请给予救助」 [004:L21].
- 大病: 「本市大病保险起付标准，原则上按上年度发布的本市居民人均可支配收入的50%左右确定，住院（含门诊慢特病，
  下同）政策范围内医疗费用的支付比例达到60%以上。…参加基本医保的医疗救助对象大病保险起付标准在普通参保人员的
  基础上降低50%，支付比例提高5个百分点，取消封顶线」 [004:L25].
- Assistance: 「门诊医疗救助比例为50%，不设起付标准，最高救助限额为特困人员1000元、其他医疗救助对象400元；住院
  医疗救助特困人员、最低生活保障家庭成员不设起付标准，救助比例分别为75%和70%，最低生活保障边缘家庭成员起付
  标准按照上年度发布的本市居民人均可支配收入的10%左右确定，救助比例为65%。…实施重特大疾病医疗救助，起付标准
  为1万元，救助比例为50%，最高救助限额为20万元」 [004:L26].
- 依申请: 「…起付标准按照上年度发布的本市居民人均可支配收入的25%左右确定，救助比例为50%，最高救助限额为
  10万元」 [004:L28].
- 「重度残疾人（不含已纳入特困人员、最低生活保障家庭成员中的重度残疾人）参照最低生活保障边缘家庭成员享受门诊、
  住院医疗救助（不设起付标准）和基本待遇倾斜支付政策…部分享受国家定期抚恤补助的优抚对象（指医疗补助人员），
  参照享受基本待遇倾斜支付政策」 [004:L31].
- The text does not restate the exclusion of unreferred care; it caps the deposit instead [004:L34]
  (A-N3: unreferred care is assisted).
- 「本措施自2023年1月1日起施行，有效期至2027年12月31日」 [004:L42].
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jurisdictions.spec import gettext_noop
from settlements.policy import explain
from settlements.policy.results import MAJOR_ILLNESS_ASSISTANCE, TierName
from settlements.policy.rules import (
    DEFAULT_SWITCHES,
    REGULAR_ASSISTANCE,
    CategoryTerms,
    CiSchedule,
    IllnessApplicationTerms,
    Policy,
    PoolTerms,
    ResidualLayer,
    Switches,
    income_share,
    other_special_alias,
    required,
)
from settlements.policy.types import Category, Fund, Parameters, Pool, Segment, VisitType

NAME_ZH = "天津市"

# 重特大疾病医疗救助 (TJ-A3): an annual-residual layer after 住院医疗救助.
MAJOR = TierName(MAJOR_ILLNESS_ASSISTANCE, gettext_noop("重特大疾病医疗救助"), "Major-illness assistance")
TIERS = (REGULAR_ASSISTANCE, MAJOR)

CATEGORY_NAMES: dict[str, str] = {
    Category.DESTITUTE: "特困人员",
    Category.DIBAO: "最低生活保障家庭成员",
    Category.MARGINAL: "最低生活保障边缘家庭成员",
    Category.TIANJIN_SEVERE_DISABILITY: "重度残疾人",
    Category.ILLNESS_IMPOVERISHED: "因病致贫重病患者",
    Category.TIANJIN_SPECIAL_CARE: "优抚对象（医疗补助人员）",
}

# SCENARIOS Clarification 22: a visit is settled under the valid category that leaves the smallest burden;
# this order breaks ties only: destitute > dibao > marginal > severe disability > illness-impoverished >
# special care (a marginal member's residual also counts toward the major-illness layer).
RANK = tuple(CATEGORY_NAMES)

# Clarification 25: the severe-disability track and special care are paid from their own funds.
FUNDS: dict[str, Fund] = {
    Category.TIANJIN_SEVERE_DISABILITY: Fund.SEVERE_DISABILITY,
    Category.TIANJIN_SPECIAL_CARE: Fund.SPECIAL_CARE,
}

_OUTPATIENT_RATIO = Decimal("0.50")


@dataclass(frozen=True)
class TianjinConfig:
    """Built-in values of the 若干措施 and the project's readings; every field is a switch."""

    ci_threshold_rate: Decimal = Decimal("0.50")  # A-TJ1: 50%左右, taken as 50%
    ci_ratio: Decimal = Decimal("0.60")  # A-TJ1: 60%以上, taken as 60%
    # TJ-CI2 医疗救助对象; A-TJ9 severe disability, special care (基本待遇倾斜支付政策); A-TJ10.
    ci_tilt_categories: frozenset[str] = frozenset(
        {
            Category.DESTITUTE,
            Category.DIBAO,
            Category.MARGINAL,
            Category.TIANJIN_SEVERE_DISABILITY,
            Category.TIANJIN_SPECIAL_CARE,
        }
    )
    ci_tilt_threshold_cut: Decimal = Decimal("0.50")
    ci_tilt_ratio_add: Decimal = Decimal("0.05")
    # (category, outpatient cap, inpatient deductible rate, inpatient ratio) [004:L26], [004:L31]
    assistance: tuple[tuple[str, Decimal, Decimal, Decimal], ...] = (
        (Category.DESTITUTE, Decimal("1000.00"), Decimal("0"), Decimal("0.75")),
        (Category.DIBAO, Decimal("400.00"), Decimal("0"), Decimal("0.70")),
        (Category.TIANJIN_SEVERE_DISABILITY, Decimal("400.00"), Decimal("0"), Decimal("0.65")),
        (Category.MARGINAL, Decimal("400.00"), Decimal("0.10"), Decimal("0.65")),  # A-TJ15: exact 10%
    )
    outpatient_ratio: Decimal = _OUTPATIENT_RATIO
    inpatient_cap: Decimal | None = None  # A-TJ3 ``inpatient_cap``: no cap stated
    # A-TJ2 ``tj.mente_as_inpatient``: 「住院（含门诊慢特病，下同）」.
    visit_pools: tuple[tuple[str, Pool], ...] = (
        (VisitType.OUTPATIENT_GENERAL, Pool.OUTPATIENT),
        (VisitType.INPATIENT, Pool.INPATIENT),
        (VisitType.OUTPATIENT_CHRONIC_SPECIAL, Pool.INPATIENT),
    )
    major_deductible: Decimal = Decimal("10000.00")
    major_ratio: Decimal = Decimal("0.50")
    major_cap: Decimal | None = Decimal("200000.00")
    # A-TJ6 ``major.categories``: the 医疗救助对象 only.
    major_categories: frozenset[str] = frozenset({Category.DESTITUTE, Category.DIBAO, Category.MARGINAL})
    major_per_visit: bool = False  # A-TJ4 ``major.deductible_period``: annual
    major_requires_referral: bool = False  # A-TJ7 ``major.requires_referral``
    application_deductible_rate: Decimal = Decimal("0.25")  # A-TJ15: exact 25%
    application_ratio: Decimal = Decimal("0.50")
    application_cap: Decimal | None = Decimal("100000.00")
    application_cumulative: bool = True  # A-TJ8 ``tj_app.*``: per person, cumulative over the year
    unreferred_excluded: bool = False  # A-N3: Tianjin does not exclude unreferred care
    rank: tuple[str, ...] = RANK
    effective_from: date = date(2023, 1, 1)  # [004:L42]
    expires: date | None = date(2027, 12, 31)  # [004:L42]
    other_special_targets: frozenset[str] = frozenset(
        {Category.DESTITUTE, Category.DIBAO, Category.MARGINAL}
    )  # Clarification 21
    switches: Switches = DEFAULT_SWITCHES


CONFIG = TianjinConfig()


def build_policy(year: int, parameters: Parameters, config: TianjinConfig) -> Policy:
    """Tianjin's rules for ``year`` with the year's income figure."""
    income = required(parameters.income_last_year, "income_last_year", "tianjin")
    ordinary = CiSchedule(
        threshold=income_share(income, config.ci_threshold_rate), segments=(Segment(None, config.ci_ratio),)
    )
    tilted = ordinary.tilted(config.ci_tilt_threshold_cut, config.ci_tilt_ratio_add)
    assisted = {
        code: {
            Pool.OUTPATIENT: PoolTerms(ratio=config.outpatient_ratio, cap=outpatient_cap),
            Pool.INPATIENT: PoolTerms(
                ratio=ratio, cap=config.inpatient_cap, deductible=income_share(income, deductible_rate)
            ),
        }
        for code, outpatient_cap, deductible_rate, ratio in config.assistance
    }
    major = ResidualLayer(
        tier=MAJOR,
        counter="major",
        threshold=config.major_deductible,
        ratio=config.major_ratio,
        cap=config.major_cap,
        template=explain.MAJOR,
        pools=frozenset({Pool.INPATIENT}),
        requires_referral=config.major_requires_referral,
        per_visit=config.major_per_visit,
    )
    categories: dict[str, CategoryTerms] = {}
    for rank, code in enumerate(config.rank):
        ci_tilted = code in config.ci_tilt_categories
        categories[code] = CategoryTerms(
            code=code,
            name_zh=CATEGORY_NAMES[code],
            rank=rank,
            pools=assisted.get(code, {}),
            # 因病致贫重病患者: inpatient costs through 依申请医疗救助; special care: 大病 tilt only.
            application_pools=(
                frozenset({Pool.INPATIENT}) if code == Category.ILLNESS_IMPOVERISHED else frozenset()
            ),
            ci=tilted if ci_tilted else ordinary,
            ci_tilted=ci_tilted,
            in_force_from=config.effective_from,
            fund=FUNDS.get(code, Fund.MEDICAL_ASSISTANCE),
            layers=(major,) if code in config.major_categories else (),
        )
    visit_pools = dict(config.visit_pools)
    return Policy(
        jurisdiction="tianjin",
        name_zh=NAME_ZH,
        year=year,
        categories=categories,
        aliases=other_special_alias(parameters, config.other_special_targets, "tianjin"),
        known_categories=frozenset({*config.rank, Category.OTHER_SPECIAL}),
        missing={},
        visit_pools=visit_pools,
        pool_names_zh={Pool.OUTPATIENT: "门诊医疗救助", Pool.INPATIENT: "住院医疗救助（含门诊慢特病）"},
        ci_visit_types=frozenset(t for t, pool in visit_pools.items() if pool == Pool.INPATIENT),
        ci_ordinary=ordinary,
        ci_from=config.effective_from,
        effective_from=config.effective_from,
        general_from=config.effective_from,
        expires=config.expires,
        tiers=TIERS,
        layers=(major,),
        unreferred_excluded=config.unreferred_excluded,
        checks_offsite_filing=False,
        offsite_unfiled_covered=True,
        switches=config.switches,
        illness_application=IllnessApplicationTerms(
            deductible=income_share(income, config.application_deductible_rate),
            ratio=config.application_ratio,
            cap=config.application_cap,
            cumulative=config.application_cumulative,
            visit_types=frozenset(t for t, pool in visit_pools.items() if pool == Pool.INPATIENT),
            category=Category.ILLNESS_IMPOVERISHED,
        ),
    )
