"""Refusals of the finance app: stable codes with Chinese labels (the UI shows the label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundError(models.TextChoices):
    UNKNOWN_FUND = "unknown_fund", _("该地区没有此项资金：{fund}")
    NOT_AN_ACCOUNT = "not_an_account", _("{region}不是资金核算地区，或不在您的管辖范围内")
    AMOUNT_NOT_POSITIVE = "amount_not_positive", _("金额须大于 0")
    AMOUNT_NEGATIVE = "amount_negative", _("金额不能为负数")
    REFERENCE_REQUIRED = "reference_required", _("请填写凭证号")
    NOT_ALLOWED = "not_allowed", _("您的角色不能进行此操作")


class BudgetError(models.TextChoices):
    NO_BUDGET = "no_budget", _("{fund}（{region}）{year}年未设置预算：须由管理人员填写理由后批准")
    OVER_BUDGET = (
        "over_budget",
        _(
            "{fund}（{region}）{year}年预算 {budget} 元，已支出及已批准 {used} 元，本次 {amount} 元将超出预算"
            "（执行率 {share}）：须由管理人员填写超预算理由后批准"
        ),
    )
    OVERRIDE_NOT_ALLOWED = "override_not_allowed", _("只有管理人员可以批准超预算支出")


class ClearingError(models.TextChoices):
    WRONG_STATE = "wrong_state", _("对账单当前状态为「{state}」，不能进行此操作")
    NOT_ALLOWED = "not_allowed", _("您的角色不能进行此操作")
    MAKER_CANNOT_CHECK = "maker_cannot_check", _("制单人不能复核自己制作的对账单")
    SAME_PERSON_APPROVES = "same_person_approves", _("制单人和复核人不能批准同一对账单")
    APPROVER_CANNOT_PAY = "approver_cannot_pay", _("批准人不能登记同一对账单的支付")
    PAYER_CANNOT_RECONCILE = "payer_cannot_reconcile", _("登记支付的人不能确认同一对账单的对账")
    MAKER_CANNOT_ACCEPT = "maker_cannot_accept", _("制单人不能说明自己对账单的差异")
    UNRESOLVED_MISMATCHES = "unresolved_mismatches", _("与医保平台对总账有 {count} 处差异未说明，不能批准")
    NO_MISMATCHES = "no_mismatches", _("与医保平台对总账没有差异，无须说明")
    NOTE_REQUIRED = "note_required", _("请填写说明")
    REFERENCE_REQUIRED = "reference_required", _("请填写支付凭证号")
    PAYMENT_DATE_INVALID = "payment_date_invalid", _("支付日期不能早于批准日期，也不能晚于今天")
    MONTH_NOT_ENDED = "month_not_ended", _("{month}尚未结束，不能生成对账单")
    NOT_IN_REGION = "not_in_region", _("该医疗机构不在您的管辖范围内")
    ALREADY_EXISTS = "already_exists", _("{hospital}{month}的对账单已存在")


class PlatformImportError(models.TextChoices):
    NO_ROWS = "no_rows", _("文件中没有数据行")
    MISSING_COLUMNS = "missing_columns", _("缺少列：{columns}")
    ROW_ERRORS = "row_errors", _("有 {count} 行数据有误，未导入任何数据")
