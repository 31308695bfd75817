"""Inputs of the policy engine: codes, the ledger, visits, certifications, parameters, applications and
scenarios. Frozen dataclasses, Decimal money, dates, no Django; the results are in ``results``.

The ledger is the person's year-to-date state: named Decimal counters (see ``Counter``) that a database
stores one row per person, year and counter name. The engine reads a ``Ledger`` and returns the deltas of
one visit or application; the caller writes the deltas.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from settlements.policy.base import ZERO


class Category(StrEnum):
    """救助对象类别 codes of RULES 1.2; each jurisdiction has a subset."""

    DESTITUTE = "destitute"  # 特困人员 / 特困供养人员
    ORPHAN = "orphan"  # 孤儿 (Mianyang)
    DIBAO = "dibao"  # 低保对象 / 最低生活保障对象 / 最低生活保障家庭成员
    MARGINAL = "marginal"  # 低保边缘家庭成员 (Tianjin: 包括低收入家庭成员)
    MONITORED_RURAL = "monitored_rural"  # 纳入监测范围的农村易返贫致贫人口 / 防止返贫监测对象
    ILLNESS_IMPOVERISHED = "illness_impoverished"  # 因病致贫重病患者 / 因病致贫家庭重病患者
    OTHER_SPECIAL = "other_special"  # 其他特殊困难人员, settled as ``other_special_as``
    BEIJING_RETURNED_YOUTH_DISABLED = "beijing_returned_youth_disabled"
    BEIJING_DOWNSIZED_1960S_WORKER = "beijing_downsized_1960s_worker"
    BEIJING_HARDSHIP_SUBSIDY = "beijing_hardship_subsidy"
    BEIJING_LOW_INCOME = "beijing_low_income"
    TIANJIN_SEVERE_DISABILITY = "tianjin_severe_disability"
    TIANJIN_SPECIAL_CARE = "tianjin_special_care"


class VisitType(StrEnum):
    INPATIENT = "inpatient"  # 住院
    OUTPATIENT_CHRONIC_SPECIAL = "outpatient_chronic_special"  # 门诊慢特病 (Beijing 门诊特殊疾病, 门特)
    OUTPATIENT_GENERAL = "outpatient_general"  # 普通门诊 (Beijing 门诊)
    EMERGENCY_OBSERVATION = "emergency_observation"  # Beijing 急诊留观 of a patient with a 门特 disease


class Referral(StrEnum):
    REFERRED = "referred"  # 规范转诊
    NOT_REQUIRED = "not_required"  # care that needs no referral
    UNREFERRED = "unreferred"  # 未按规定转诊


class Pool(StrEnum):
    """Where a visit's regular assistance is counted (deductible and cap).

    ``inpatient`` is the 住院 pool: in Mianyang and national the pool shared by 门诊慢特病 and 住院
    (「门诊慢特病和住院医疗费用合并计算起付标准，共用年度救助限额」 [002:L31]); in Beijing 住院, 门特 and
    急诊留观 [003:L92]; in Tianjin 「住院（含门诊慢特病，下同）」 [004:L25]. ``outpatient`` is 普通门诊.
    """

    INPATIENT = "inpatient"
    OUTPATIENT = "outpatient"


class Reason(StrEnum):
    """Why a visit or application was not assessed normally (SCENARIOS Output and Clarifications 5, 19)."""

    NOT_IN_FORCE = "not_in_force"
    NOT_COVERED = "not_covered"
    NO_CATEGORY = "no_category"
    APPLICATION_REQUIRED = "application_required"
    UNREFERRED = "unreferred"
    OFFSITE_NOT_FILED = "offsite_not_filed"
    CAP_REACHED = "cap_reached"
    # The per-visit API only: the episode date is not in the year asked for (a scenario rejects such input).
    OUTSIDE_YEAR = "outside_year"
    WRONG_COST_YEAR = "wrong_cost_year"
    ALREADY_APPLIED_THIS_YEAR = "already_applied_this_year"


class InsuranceScheme(StrEnum):
    """The visit's basic insurance (SCENARIOS Clarification 24; the platform's ``insutype``, 310 = employee)."""

    RESIDENT = "resident"  # 城乡居民医保
    EMPLOYEE = "employee"  # 职工医保


class Fund(StrEnum):
    """The fund that pays a visit's assistance tiers (SCENARIOS Clarification 25)."""

    MEDICAL_ASSISTANCE = "medical_assistance"  # 医疗救助基金
    SEVERE_DISABILITY = "severe_disability"  # Tianjin 其他重度残疾人医疗救助资金
    SPECIAL_CARE = "special_care"  # Tianjin 优抚对象医疗补助资金


class ApplicationStatus(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class Counter(StrEnum):
    """Annual counters of one person (RULES 1.4, SCENARIOS Clarification 15). Missing counters are zero."""

    CI_BASE = "ci_base"  # 大病 base: policy-scope cost − basic insurance of visits in the 大病 scope
    INPATIENT_BASE = "inpatient_base"  # assistance base of the 住院 pool, compared with the annual deductible
    INPATIENT_PAID = "inpatient_paid"  # regular assistance paid from the 住院 pool (its annual cap)
    OUTPATIENT_BASE = "outpatient_base"  # assistance base of the 普通门诊 pool
    OUTPATIENT_PAID = "outpatient_paid"  # regular assistance paid from the 普通门诊 pool (its annual cap)
    # An annual-residual layer ``x`` counts ``x_base`` (residual after regular assistance, vs its threshold)
    # and ``x_paid`` (its annual cap): Mianyang 倾斜救助 ``tilt``, Tianjin 重特大疾病医疗救助 ``major``.
    TILT_BASE = "tilt_base"
    TILT_PAID = "tilt_paid"
    MAJOR_BASE = "major_base"
    MAJOR_PAID = "major_paid"
    APPLICATION_BASE = "application_base"  # Tianjin 依申请: covered burdens, compared with 25% of income
    APPLICATION_PAID = "application_paid"  # Tianjin 依申请 paid (100000.00 cap)


@dataclass(frozen=True, slots=True)
class Ledger:
    """A person's year-to-date counters: an immutable mapping of counter name -> Decimal."""

    # A dict (as read from the database) or a read-only view of one: ``apply`` copies it with ``copy()``,
    # several times faster than ``dict(view)`` on the per-visit path.
    counters: dict[str, Decimal] | MappingProxyType[str, Decimal] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __getitem__(self, name: str) -> Decimal:
        return self.counters.get(name, ZERO)

    def apply(self, deltas: Mapping[str, Decimal]) -> "Ledger":
        """The ledger after adding ``deltas`` (counter name -> increase)."""
        if not deltas:
            return self
        counters = self.counters.copy()
        get = counters.get
        for name, delta in deltas.items():
            counters[name] = get(name, ZERO) + delta
        return Ledger(MappingProxyType(counters))


@dataclass(frozen=True, slots=True)
class Segment:
    """A band of a tiered schedule: its ratio applies up to ``up_to`` (None = open)."""

    up_to: Decimal | None
    ratio: Decimal


@dataclass(frozen=True, slots=True)
class Parameters:
    """The year's locally set values (SCENARIOS ``parameters``). ``None`` cap = no cap.

    ``ratios`` and ``deductible_rates`` (national) are (category, rate) pairs so that the value is hashable.
    """

    income_last_year: Decimal | None = None  # 上年居民人均可支配收入
    assistance_annual_cap: Decimal | None = None  # 医疗救助年度救助限额
    tilt_threshold: Decimal | None = None  # 倾斜救助 threshold (当地防止返贫监测收入标准)
    tilt_annual_cap: Decimal | None = None  # 倾斜救助年度限额
    critical_illness_threshold: Decimal | None = None  # Beijing 大病 threshold for ordinary insured
    critical_illness_segments: tuple[Segment, ...] = ()
    ratios: tuple[tuple[str, Decimal], ...] = ()
    deductible_rates: tuple[tuple[str, Decimal], ...] = ()
    other_special_as: str | None = None  # the category 其他特殊困难人员 is treated as


@dataclass(frozen=True, slots=True)
class Certification:
    """One identity (救助对象类别) with its validity; ``valid_to`` None = open."""

    category: str
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    """One settled episode. Amounts are policy-scope (政策范围内) Decimal money."""

    id: str
    type: str
    admitted: date
    discharged: date
    referral: str
    policy_scope_cost: Decimal
    basic_insurance_paid: Decimal = ZERO
    in_province: bool = True
    in_city: bool = True
    offsite_filed: bool = False
    critical_illness_paid: Decimal | None = None  # when given, the 大病 tier is taken as given
    other_insurance_paid: Decimal = ZERO  # commercial insurance or charity, paid after assistance
    settled_on: date | None = None  # settled later by written application (Mianyang, A-MY8)
    # 公务员医疗补助 + 企业补充医疗保险, paid before assistance (Clarification 23)
    supplementary_paid: Decimal = ZERO
    insurance_scheme: str = InsuranceScheme.RESIDENT  # Clarification 24


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    """Beijing annual aid: one household member's previous-year policy-scope burden."""

    policy_scope_burden: Decimal
    commercial_insurance_paid: Decimal = ZERO
    other_assistance_paid: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class BeijingHouseholdApplication:
    """因病致贫家庭重病患者 annual household aid (BJ-II1)."""

    id: str
    date: date
    cost_year: int
    household: tuple[HouseholdMember, ...]


@dataclass(frozen=True, slots=True)
class CoveredVisit:
    """Tianjin 依申请: a visit named by the application, with the facts the database holds about it."""

    visit_id: str
    type: str
    discharged: date
    personal_burden: Decimal
    other_insurance_paid: Decimal = ZERO
    already_covered: bool = False  # covered by an earlier approved application


@dataclass(frozen=True, slots=True)
class TianjinApplication:
    """依申请医疗救助 of a 因病致贫重病患者 (TJ-AP2)."""

    id: str
    date: date
    covers_visits: tuple[CoveredVisit, ...]


Application = BeijingHouseholdApplication | TianjinApplication


@dataclass(frozen=True, slots=True)
class TianjinApplicationRequest:
    """A scenario's 依申请 application: the ids of the visits it covers (the driver supplies their facts)."""

    id: str
    date: date
    covers_visits: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One person's policy year (SCENARIOS ``Input``)."""

    jurisdiction: str
    year: int
    parameters: Parameters
    certifications: tuple[Certification, ...]
    visits: tuple[Visit, ...]
    applications: tuple[BeijingHouseholdApplication | TianjinApplicationRequest, ...] = ()
