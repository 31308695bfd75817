"""Refusal codes of the application workflow (labels are shown to users; tests assert the codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseError(models.TextChoices):
    INVALID_TRANSITION = "invalid_transition", _("申请当前状态为“{state}”，不能执行“{action}”")
    ROLE_NOT_ALLOWED = "role_not_allowed", _("您的角色或部门不能执行“{action}”")
    OUTSIDE_REGION = "outside_region", _("该申请不在您的管辖范围内")
    STATEMENT_TOO_LONG = "statement_too_long", _("申请事由不超过 {limit} 字，其余内容请作为材料上传")
    REASON_REQUIRED = "reason_required", _("请填写理由")
    ALREADY_CERTIFIED_DIRECT = (
        "already_certified_direct",
        _("申请人已认定为{category}，直接获得医疗救助，无需申请认定"),
    )
    CATEGORY_NOT_APPLICABLE = "category_not_applicable", _("该类别不能通过申请认定：{category}")
    CATEGORY_REQUIRED = "category_required", _("请选择申请认定的类别")
    KIND_NOT_IN_JURISDICTION = "kind_not_in_jurisdiction", _("申请人户籍所在地不适用此申请类型")
    VISITS_REQUIRED = "visits_required", _("请选择申请救助的就医记录")
    VISIT_NOT_OF_CLAIMANT = "visit_not_of_claimant", _("就医记录不属于申请人：{visit}")
    VISIT_ALREADY_ASSISTED = (
        "visit_already_assisted",
        _("该次就医已获救助（已结算或已由其他申请核准），不能重复救助：{visit}"),
    )
    IDENTITY_ALREADY_CERTIFIED = "identity_already_certified", _("申请人已具有有效的{category}认定，无需转办")
    IDENTITY_NOT_CERTIFIED = "identity_not_certified", _("申请人尚无有效的救助身份认定，请先转办认定")
    CATEGORY_OF_OTHER_DEPARTMENT = "category_of_other_department", _("该类别不由您的部门认定：{category}")
    ALREADY_GRANTED_THIS_YEAR = (
        "already_granted_this_year",
        _("该家庭本年度已获批因病致贫家庭重病患者救助，同一自然年度只能申请一次"),
    )
    NOT_ASSESSABLE = "not_assessable", _("无法核算救助金额：{detail}")
    PAYMENT_AMOUNT_MISMATCH = "payment_amount_mismatch", _("支付金额应等于核定救助金额{amount}")
    CLOSE_NEEDS_PAYMENT = "close_needs_payment", _("核定金额大于零的申请须先登记支付")
    DOCUMENT_TOO_LARGE = "document_too_large", _("文件过大：最大{limit}")
    DOCUMENT_TYPE = "document_type", _("只接受PDF、JPEG或PNG文件")
    DOCUMENT_EMPTY = "document_empty", _("文件为空")
