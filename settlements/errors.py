"""Refusals of the settlements app: stable codes with Chinese labels (the UI shows the label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitError(models.TextChoices):
    NEGATIVE_AMOUNT = "negative_amount", _("金额不能为负数：{field}")
    SCOPE_ABOVE_TOTAL = "scope_above_total", _("政策范围内费用不能高于医疗总费用")
    BASIC_ABOVE_SCOPE = "basic_above_scope", _("基本医保统筹支付不能高于政策范围内费用")
    CRITICAL_ILLNESS_ABOVE_REST = (
        "critical_illness_above_rest",
        _("大病保险支付不能高于政策范围内费用减基本医保支付"),
    )
    SUPPLEMENTARY_ABOVE_REST = (
        "supplementary_above_rest",
        _("公务员医疗补助及企业补充医疗保险支付不能高于政策范围内费用减基本医保和大病保险支付"),
    )
    UNKNOWN_INSURANCE_SCHEME = "unknown_insurance_scheme", _("未知的险种类型：{value}")
    DISCHARGE_BEFORE_ADMISSION = "discharge_before_admission", _("出院日期不能早于入院日期")
    AMOUNT_TOO_LARGE = "amount_too_large", _("金额超出一次就医可能的范围（不超过 {maximum} 元）：{field}")
    UNKNOWN_VISIT_TYPE = "unknown_visit_type", _("未知的就诊类型：{value}")
    UNKNOWN_REFERRAL = "unknown_referral", _("未知的转诊情况：{value}")
    UNKNOWN_JURISDICTION = "unknown_jurisdiction", _("救助对象户籍地未关联政策适用地")
    NO_POLICY_YEAR = "no_policy_year", _("{jurisdiction}{year}年度政策参数未设置，不能录入或结算该年度就诊")
    OUTSIDE_REGION = "outside_region", _("救助对象不在您的管辖范围内")
    DUPLICATE_SETTLEMENT_REF = "duplicate_settlement_ref", _("医保结算ID已存在：{settlement_ref}")


class SettlementError(models.TextChoices):
    ALREADY_SETTLED = "already_settled", _("该就诊已结算")
    NOT_SETTLED = "not_settled", _("该就诊尚未结算")
    ALREADY_REVERSED = "already_reversed", _("该结算已冲正")
    REASON_REQUIRED = "reason_required", _("冲正须填写原因")
    UNKNOWN_CATEGORY = "unknown_category", _("救助身份类别不属于该政策适用地：{category}")
    INVALID_PARAMETERS = "invalid_parameters", _("政策参数不完整或不合规：{detail}")
    SETTLED_ON_INVALID = "settled_on_invalid", _("依申请结算日期须在出院日期之后且属于同一年度")


class PolicyYearError(models.TextChoices):
    INVALID_PARAMETERS = "invalid_parameters", _("政策参数不合规：{detail}")
    EFFECTIVE_FROM_OUTSIDE_YEAR = "effective_from_outside_year", _("生效日期须在年度开始之前或当年内")
    ALERT_RATE_OUT_OF_RANGE = "alert_rate_out_of_range", _("高额费用预警比例须在 0.01 至 1 之间")
