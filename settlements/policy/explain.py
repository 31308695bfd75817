"""Explanation texts of the engine: each step in Chinese (statements, scenario output) and English.

Figures are filled in with ``str.format``: money as Decimal, ratios and thresholds as prepared text. A
settlement records ``Step``s (a ``Template`` and its figures) and renders them to ``Line``s when read.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from settlements.policy.types import Reason


@dataclass(frozen=True, slots=True)
class Line:
    """One step of an explanation, in Chinese (statements, scenario output) and English (reviewers)."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Template:
    """The text of one kind of step, with ``str.format`` fields for its figures."""

    zh: str
    en: str

    def render(self, figures: tuple[object, ...] = ()) -> Line:
        return Line(self.zh.format(*figures), self.en.format(*figures))


# A step of an explanation as recorded while settling: its template and its figures. Rendering to ``Line``
# happens when the explanation is read, which keeps text formatting off the settlement path.
Step = tuple[Template, tuple[object, ...]]


# Categories named in English explanation lines: words, never the code (the product's English labels).
NAMES_EN = {
    "destitute": "extremely poor person (te kun)",
    "orphan": "orphan",
    "dibao": "minimum living allowance (dibao) member",
    "marginal": "near-dibao household member",
    "monitored_rural": "person monitored for relapse into poverty",
    "illness_impoverished": "seriously ill person (illness-induced poverty)",
    "other_special": "other person in special hardship",
    "beijing_returned_youth_disabled": "returned educated youth disabled on duty or by illness",
    "beijing_downsized_1960s_worker": "veteran worker laid off in the early 1960s",
    "beijing_hardship_subsidy": "hardship subsidy recipient",
    "beijing_low_income": "low-income household member",
    "tianjin_severe_disability": "person with severe disability",
    "tianjin_special_care": "entitled veteran group (medical subsidy)",
}


def name_en(code: str) -> str:
    return NAMES_EN.get(code, code)


CATEGORY = Template("适用救助身份：{1}", "Category applied: {2}")
NO_CATEGORY = Template("本次就诊期间无有效救助身份", "No assistance identity valid on any day of this visit")

REASONS = {
    Reason.NOT_IN_FORCE: Template(
        "就诊日期{0}不在本规则施行范围内（适用其他规定），本规则不予救助",
        "{0} is outside the dates these rules are in force for this visit: no assistance under them",
    ),
    Reason.NOT_COVERED: Template(
        "该就诊类型（或该救助身份的此类就诊）不在医疗救助保障范围内",
        "This visit type is outside the assistance scope (for this category)",
    ),
    Reason.NO_CATEGORY: Template(
        "本次就诊期间无有效救助身份，不予医疗救助",
        "No assistance identity on any day of this visit: no assistance",
    ),
    Reason.APPLICATION_REQUIRED: Template(
        "因病致贫重病患者的医疗费用依申请救助，本次就诊不按次救助",
        "Illness-impoverished costs are assisted through an application, not per visit",
    ),
    Reason.UNREFERRED: Template(
        "未按规定转诊，所发生的医疗费用不纳入医疗救助范围",
        "Care without the required referral is not assisted",
    ),
    Reason.OFFSITE_NOT_FILED: Template(
        "市域外就医未办理异地就医备案，不予医疗救助",
        "Care outside the city without online filing: no assistance",
    ),
    Reason.OUTSIDE_YEAR: Template(
        "就诊日期{0}不属于{1}年度，不在本年度结算", "{0} does not belong to policy year {1}: not settled here"
    ),
}


class Named(Protocol):
    """A category as the comparison names it (``rules.CategoryTerms``)."""

    @property
    def name_zh(self) -> str: ...

    @property
    def name_en(self) -> str: ...


class Compared:
    """The categories compared under Clarification 22 and their burdens, in rank order; formatted only
    when the explanation is read (``{0:zh}`` in Chinese, ``{0:en}`` in English), which keeps text
    formatting off the settlement path."""

    __slots__ = ("burdens", "categories")

    def __init__(self, categories: Sequence[Named], burdens: list[Decimal]) -> None:
        self.categories, self.burdens = categories, burdens

    def __format__(self, language: str) -> str:
        if language == "zh":
            return "、".join(f"{c.name_zh}{b}" for c, b in zip(self.categories, self.burdens, strict=True))
        if language == "en":
            return ", ".join(f"{c.name_en} {b}" for c, b in zip(self.categories, self.burdens, strict=True))
        raise ValueError(f"Compared: unknown language {language!r}")

    def _names(self) -> list[tuple[str, str]]:
        return [(c.name_zh, c.name_en) for c in self.categories]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Compared) and self.burdens == other.burdens and self._names() == other._names()
        )

    # Defining ``__eq__`` alone makes the class unhashable (``__hash__`` is None), as its list asks.


# Figures: (Compared, the chosen category's Chinese name, its English name).
COMPARED = Template(
    "就高不就低：按各有效身份分别测算个人负担（{0:zh}），按负担最小的{1}结算",
    "Best category (Clarification 22): burdens compared ({0:en}); settled as {2}, the smallest burden",
)
COMPARED_TIE = Template(
    "就高不就低：按各有效身份分别测算个人负担（{0:zh}），负担相同，按身份顺序取{1}",
    "Best category (Clarification 22): burdens compared ({0:en}); equal, so the tie order gives {2}",
)
CI_EMPLOYEE_GIVEN = Template(
    "职工医保就诊：大病保险（职工大额医疗费用补助）按已结算金额计{0}，不适用城乡居民大病保险",
    "Employee-insured visit: critical-illness tier as paid by the employee scheme: {0} "
    "(the resident schedule does not apply)",
)
CI_EMPLOYEE_NONE = Template(
    "职工医保就诊：不适用城乡居民大病保险，职工大额医疗费用补助未支付，大病保险计0.00",
    "Employee-insured visit: the resident critical-illness schedule does not apply and the employee "
    "scheme paid nothing: 0.00",
)
SUPPLEMENTARY = Template(
    "先保险后救助：扣除公务员医疗补助、企业补充医疗保险已支付{0}",
    "Insurance before assistance: supplementary insurance (civil-servant subsidy, enterprise "
    "supplementary) already paid {0} is deducted",
)
CI_GIVEN = Template("大病保险按已结算金额计{0}", "Critical-illness insurance as settled: {0}")
CI_NO_SCHEDULE = Template("未设大病保险支付标准，大病保险计0.00", "No critical-illness schedule given: 0.00")
CI = Template(
    "大病保险：起付线{0}，支付比例{1}，年度累计{2}→{3}，本次支付{4}",
    "Critical-illness insurance: threshold {0}, ratio {1}, cumulative base {2} -> {3}, pays {4}",
)
CI_TILTED = Template(
    "大病保险（倾斜支付）：起付线{0}，支付比例{1}，年度累计{2}→{3}，本次支付{4}",
    "Critical-illness insurance (tilted): threshold {0}, ratio {1}, cumulative base {2} -> {3}, pays {4}",
)
BASE = Template(
    "经基本医保、大病保险支付后政策范围内个人负担{0}",
    "Policy-scope cost after basic and critical-illness insurance: {0}",
)
# The annual tiers get (threshold, cumulative before, after, eligible part, ratio, raw payment, pool name).
ASSISTANCE = Template(
    "{6}：年度起付标准{0}，累计{1}→{2}，超过起付标准部分{3}，按{4}计{5}",
    "Regular assistance ({6}): annual deductible {0}, cumulative {1} -> {2}, eligible {3} x {4} = {5}",
)
CAP = Template("年度限额{0}，已支付{1}，本次支付{2}", "Annual cap {0}, already paid {1}: pays {2}")
NO_CAP = Template("不设年度限额，支付{0}", "No annual cap: pays {0}")
TILT_OUT_OF_PROVINCE = Template(
    "省域外就医，不享受倾斜救助", "Care outside the province: no tilted assistance"
)
TILT = Template(
    "倾斜救助：起付线{0}，年度累计{1}→{2}，超过部分{3}，按{4}计{5}",
    "Tilted assistance: threshold {0}, cumulative {1} -> {2}, eligible {3} x {4} = {5}",
)
MAJOR = Template(
    "重特大疾病医疗救助：起付标准{0}，年度累计{1}→{2}，超过部分{3}，按{4}计{5}",
    "Major-illness assistance: deductible {0}, cumulative {1} -> {2}, eligible {3} x {4} = {5}",
)
# A residual layer of a jurisdiction that words no step of its own: named by its tier.
RESIDUAL = Template(
    "{6}：起付标准{0}，年度累计{1}→{2}，超过部分{3}，按{4}计{5}",
    "{6}: threshold {0}, cumulative {1} -> {2}, eligible {3} x {4} = {5}",
)
BURDEN = Template("个人负担{0}", "Personal policy-scope burden: {0}")

APPLICATION_OUTSIDE_YEAR = Template("申请日期{0}不属于{1}年度", "{0} is not in policy year {1}")
APPLICATION_NOT_IN_FORCE = Template(
    "{0}不在{1}政策施行期内", "{0} is outside the dates the rules are in force"
)
APPLICATION_NO_CATEGORY = Template(
    "申请日{0}无有效的因病致贫重病患者认定", "No illness-impoverished certification valid on {0}"
)
APPLICATION_WRONG_COST_YEAR = Template(
    "救助针对上一自然年度（{0}年）的费用，申请的费用年度为{1}年", "The aid covers {0} costs, not {1}"
)
APPLICATION_ALREADY_APPLIED = Template(
    "同一自然年度内只能申请一次，本年度已有获批申请",
    "One application per natural year: one was already approved",
)
HOUSEHOLD_MEMBERS = Template(
    "家庭成员扣除商业保险和各种救助后的政策范围内个人负担：{0}",
    "Members' burdens net of commercial insurance and other assistance: {1}",
)
HOUSEHOLD_BANDS = Template(
    "负担合计{0}，按3万元(含)以下30%、3万元以上至5万元(含)40%、5万元以上50%分段计{1}，全年限额{2}，支付{3}",
    "Burden {0} through the 30%/40%/50% bands = {1}; annual cap {2}: pays {3}",
)
COVERED_VISIT = Template(
    "就诊{0}：个人负担{1}，其他补充保险{2}，计入{3}", "Visit {0}: burden {1} - other insurance {2} = {3}"
)
UNCOVERED_VISIT = Template(
    "就诊{0}不计入（非住院或门诊慢特病、申请日后出院或已由此前申请救助）",
    "Visit {0} adds nothing (visit type, discharged after the application, or already covered)",
)
ILLNESS_APPLICATION = Template(
    "依申请医疗救助：起付标准{0}，年度累计{1}→{2}，超过部分{3}，按{4}计{5}",
    "Application-based assistance: deductible {0}, cumulative {1} -> {2}, eligible {3} x {4} = {5}",
)
