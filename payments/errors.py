"""Refusal codes of payments (labels are shown to users; tests assert the codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentError(models.TextChoices):
    ROLE_NOT_ALLOWED = "role_not_allowed", _("您的角色不能执行“{action}”")
    OUTSIDE_REGION = "outside_region", _("该事项不在您的管辖范围内")
    NOTHING_SELECTED = "nothing_selected", _("请先勾选要支付的事项")
    NOT_PAYABLE = "not_payable", _("{item} 不是待支付事项（未审核通过、金额为零或已冲正）")
    ALREADY_IN_BATCH = "already_in_batch", _("{item} 已在其他支付批次中或已支付，不能重复支付")
    NO_PAYEE = "no_payee", _("{name} 尚未登记收款账户")
    PAYEE_NOT_CORRECTED = (
        "payee_not_corrected",
        _("{item} 上次支付失败（{reason}），请先更正收款账户再制单"),
    )
    INVALID_STATE = "invalid_state", _("批次当前状态为“{state}”，不能执行“{action}”")
    MAKER_CANNOT_CHECK = "maker_cannot_check", _("制单人不能复核自己制作的批次")
    SAME_PERSON_RELEASE = "same_person_release", _("放款须由制单人和复核人以外的管理人员执行")
    APPROVER_CANNOT_PAY = (
        "approver_cannot_pay",
        _("您审核（结算）了 {item} 的金额，不能复核或放款它的支付"),
    )
    ITEM_REVERSED = "item_reversed", _("{item} 已冲正，请退回批次后重新制单")
    REASON_REQUIRED = "reason_required", _("请填写退回理由")
    ACCOUNT_INVALID = "account_invalid", _("银行账号应为8至32位数字")
    PAYEE_FIELD_REQUIRED = "payee_field_required", _("请填写收款人姓名和开户银行")
    NOTE_TOO_LONG = "note_too_long", _("放款说明不超过 {limit} 字")
    RESULT_ERRORS = "result_errors", _("回盘文件有错误，未做任何更改")
