"""Refusal codes of the monitoring app (stable codes, Chinese labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonitoringError(models.TextChoices):
    NOT_YOUR_DEPARTMENT = "not_your_department", _("该预警不属于您所在部门")
    ALREADY_ANSWERED = "already_answered", _("该预警已反馈")
    NOT_PUSHED = "not_pushed", _("该记录仅报告，无需反馈")
    CATEGORY_REQUIRED = "category_required", _("请选择认定的救助身份类别及生效日期")
    CATEGORY_NOT_YOUR_DEPARTMENT = "category_not_your_department", _("该类别不由您所在部门认定：{category}")
    REASON_REQUIRED = "reason_required", _("请填写不符合条件的原因")
    UNKNOWN_RESULT = "unknown_result", _("未知的反馈结果：{result}")
    NO_POLICY_YEAR = "no_policy_year", _("{year}年度没有可用的预警标准（政策年度参数）")
    PERIOD_IN_FUTURE = "period_in_future", _("只能运行已结束月份的预警")
    PERIOD_TOO_EARLY = "period_too_early", _("预警月份须在 2000-01 之后")
    RUN_NOT_STUCK = "run_not_stuck", _("该次运行没有停滞，无需继续")
