"""What the exports of the settlement and visit lists hold (``claimants.exports.ListExport``).

ID numbers are masked; amounts are numbers (``Decimal``), dates are dates, codes are written as their labels.
The files follow the language of the person downloading, as the pages do.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from claimants.categories import label_of
from claimants.exports import ListExport
from jurisdictions import registry


def _yes_no(value: bool) -> str:
    return str(_("是") if value else _("否"))


def _tier_column(code: str, name: str) -> tuple:
    return (_(name), lambda s: s.tier(code))


def _settlement_columns() -> tuple[tuple, ...]:
    """The settlement list's columns: a column per assistance tier of the installed jurisdictions (their
    order), read from each settlement's tier rows (the view prefetches them)."""
    tiers = tuple(_tier_column(code, name_zh) for code, (name_zh, _name_en) in registry.tiers().items())
    return (
        (_("结算号"), lambda s: s.pk),
        (_("姓名"), lambda s: s.claimant.name),
        (_("身份证号"), lambda s: s.claimant.masked_id_number),
        (_("出院日期"), lambda s: s.discharged),
        (_("医疗机构"), lambda s: s.visit.hospital.name if s.visit.hospital_id else ""),
        (_("救助身份"), lambda s: label_of(s.category)),
        (_("政策范围内费用"), lambda s: s.policy_scope_cost),
        (_("基本医保统筹支付"), lambda s: s.basic_insurance_paid),
        (_("公务员医疗补助及企业补充医疗保险"), lambda s: s.supplementary_paid),
        (_("大病保险支付"), lambda s: s.critical_illness_insurance),
        *tiers,
        (_("救助合计"), lambda s: s.assistance),
        (_("个人负担"), lambda s: s.personal_burden),
        (_("医院已垫付医疗救助"), lambda s: s.assistance_paid_at_hospital),
        (_("应付医疗救助（差额）"), lambda s: s.assistance_owed),
        (_("状态"), lambda s: str(_("已冲正") if s.reversed_at else _("有效"))),
        (_("结算时间"), lambda s: s.settled_at.strftime("%Y-%m-%d %H:%M")),
    )


SETTLEMENTS = ListExport(
    target_type="settlements.settlement",
    title=_("结算"),
    file_stem="settlements",
    # Built when read, so that a jurisdiction installed after start-up has its tiers' columns.
    columns=lazy(_settlement_columns, tuple)(),
)

VISITS = ListExport(
    target_type="settlements.visit",
    title=_("就医记录"),
    file_stem="visits",
    columns=(
        (_("就诊人"), lambda v: v.claimant.name),
        (_("身份证号"), lambda v: v.claimant.masked_id_number),
        (_("医疗机构"), lambda v: v.hospital.name if v.hospital_id else ""),
        (_("就诊类型"), lambda v: v.get_visit_type_display()),
        (_("入院日期"), lambda v: v.admitted),
        (_("出院日期"), lambda v: v.discharged),
        (_("医疗总费用"), lambda v: v.total_cost),
        (_("政策范围内费用"), lambda v: v.policy_scope_cost),
        (_("基本医保统筹支付"), lambda v: v.basic_insurance_paid),
        (_("全自费金额"), lambda v: v.fully_self_paid),
        (_("已结算"), lambda v: _yes_no(v.is_settled)),
    ),
)
