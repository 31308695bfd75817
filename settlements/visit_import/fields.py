"""The columns of a platform file: codes, headers and money fields, as the checks read them."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from claimants.models import InsuranceScheme
from settlements.models import Referral, VisitType

KIND = "visits"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TOLERANCE = Decimal("0.05")

MED_TYPES = {"11": VisitType.OUTPATIENT_GENERAL, "13": VisitType.OUTPATIENT_GENERAL}
MED_TYPES |= {"41": VisitType.OUTPATIENT_GENERAL, "14": VisitType.OUTPATIENT_CHRONIC_SPECIAL}
VISIT_TYPES = {**{v: v for v in VisitType.values}, **{str(c.label): c.value for c in VisitType}}
REFERRALS = {**{v: v for v in Referral.values}, **{str(c.label): c.value for c in Referral}}
# Money columns: field -> headers. The sums of several platform fields make one product amount.
MONEY_COLUMNS = (
    ("total_cost", ("医疗费总额", "medfee_sumamt", "total_cost", "医疗总费用")),
    ("policy_scope_cost", ("符合政策范围金额", "inscp_scp_amt", "policy_scope_cost", "政策范围内费用")),
    (
        "basic_insurance_paid",
        ("基本医疗保险统筹基金支出", "hifp_pay", "basic_insurance_paid", "统筹基金支付"),
    ),
    ("hifmi_pay", ("居民大病保险资金支出", "hifmi_pay", "critical_illness_paid", "大病保险支付")),
    ("hifob_pay", ("职工大额医疗费用补助基金支出", "hifob_pay")),
    ("oth_pay", ("其他支出", "oth_pay", "other_insurance_paid", "其他补充保险支付")),
    ("cvlserv_pay", ("公务员医疗补助资金支出", "cvlserv_pay")),
    ("hifes_pay", ("企业补充医疗保险基金支出", "hifes_pay")),
    ("fully_self_paid", ("全自费金额", "fulamt_ownpay_amt", "fully_self_paid")),
    ("fund_pay_sumamt", ("基金支付总额", "fund_pay_sumamt")),
    ("psn_part_amt", ("个人负担总金额", "psn_part_amt")),
    (
        "maf_pay",
        (
            "医疗救助基金支出",
            "maf_pay",
            "assistance_paid_at_hospital",
            "医疗救助资金支出",
            "医院已垫付医疗救助",
        ),
    ),
)
REQUIRED_MONEY = ("total_cost", "policy_scope_cost")
MONEY_NAMES = tuple(name for name, _headers in MONEY_COLUMNS)
# insutype (OPERATIONS.md 3): 310 职工基本医疗保险, 390 城乡居民基本医疗保险; the product's codes and labels too.
INSUTYPES = {
    "310": InsuranceScheme.EMPLOYEE,
    "390": InsuranceScheme.RESIDENT,
    **{value: value for value in InsuranceScheme.values},
    **{str(choice.label): choice.value for choice in InsuranceScheme},
}


def _money(raw: str) -> Decimal:
    value = Decimal(raw.replace(",", "").strip() or "0")
    if not value.is_finite():
        raise InvalidOperation(raw)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def visit_type_of(med_type: str) -> str | None:
    """The visit type of a ``med_type`` cell (stripped): the product's codes and labels, the platform's
    codes, any 2x code an inpatient stay; None when it is not known."""
    visit_type = VISIT_TYPES.get(med_type) or MED_TYPES.get(med_type)
    if visit_type is None and len(med_type) >= 2 and med_type[0] == "2" and med_type.isdigit():
        visit_type = VisitType.INPATIENT
    return visit_type
