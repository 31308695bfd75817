"""The department feedback on an alert and the handover workbook of a push batch."""

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from claimants import categories, roles, spreadsheets
from claimants.models import Certification, User
from claimants.services import audit, certify
from core.errors import DomainError
from core.regions import in_region
from core.roles import officer_department
from monitoring.dashboards import casework
from monitoring.errors import MonitoringError
from monitoring.models import (
    HighCostAlert,
    PushBatch,
)


@transaction.atomic
def record_feedback(
    *,
    alert: HighCostAlert,
    by: User,
    result: str,
    category: str = "",
    valid_from: dt.date | None = None,
    reason: str = "",
) -> HighCostAlert:
    """A department's answer to an alert (MY-W2). A certification is created through ``certify`` with
    source ALERT, so medical security sees it at once. A carried-over row is answered on its first push."""
    alert = (
        HighCostAlert.objects.select_for_update()
        .select_related("claimant__hukou_region")
        .get(pk=alert.root.pk)
    )
    if officer_department(by) != alert.department or not in_region(alert.county_id, by):
        raise DomainError(MonitoringError.NOT_YOUR_DEPARTMENT)
    if alert.disposition != HighCostAlert.Disposition.PUSHED:
        raise DomainError(MonitoringError.NOT_PUSHED)
    if alert.result:
        raise DomainError(MonitoringError.ALREADY_ANSWERED)
    if result not in HighCostAlert.Result.values:
        raise DomainError(MonitoringError.UNKNOWN_RESULT, result=result)
    if result == HighCostAlert.Result.CERTIFIED:
        if not category or valid_from is None:
            raise DomainError(MonitoringError.CATEGORY_REQUIRED)
        if categories.certifying_department(category) != alert.department:
            raise DomainError(
                MonitoringError.CATEGORY_NOT_YOUR_DEPARTMENT, category=categories.CATEGORIES[category].label
            )
        alert.certification = certify(
            by=by,
            claimant=alert.claimant,
            category=category,
            valid_from=valid_from,
            source=Certification.Source.ALERT,
            note=f"高额费用预警 {alert.period:%Y-%m}",
        )
    elif result == HighCostAlert.Result.NOT_ELIGIBLE and not reason.strip():
        raise DomainError(MonitoringError.REASON_REQUIRED)
    alert.result = result
    alert.reason = reason.strip()
    alert.answered_by = by
    alert.answered_at = timezone.now()
    alert.save(update_fields=["result", "reason", "answered_by", "answered_at", "certification"])
    casework.add_alert_answer(alert)
    return alert


HANDOVER_COLUMNS = (
    gettext_lazy("姓名"),
    gettext_lazy("身份证号"),
    gettext_lazy("户籍所在地"),
    gettext_lazy("参保地"),
    gettext_lazy("年度累计自付费用"),
    gettext_lazy("预警标准"),
    gettext_lazy("预警月份"),
    gettext_lazy("预警类型"),
    gettext_lazy("截止日所持类别"),
    gettext_lazy("处理方式"),
    gettext_lazy("接收部门"),
)


def export_batch(*, batch: PushBatch, alerts, by: User) -> bytes:
    """The push batch as an XLSX hand-over file: its purpose is the hand-over itself, so full ID numbers
    go to ``JIUZHU_FULL_ID_EXPORT_ROLES`` without asking, audited with the row count and the people."""
    full_ids = roles.may_export_full_ids(by)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{batch.period:%Y-%m} {batch.region.name}")
    spreadsheets.append(sheet, [str(column) for column in HANDOVER_COLUMNS])
    people = []
    for alert in alerts:
        claimant = alert.claimant
        spreadsheets.append(
            sheet,
            (
                claimant.name,
                claimant.id_number if full_ids else claimant.masked_id_number,
                alert.hukou_region.full_name,
                alert.insured_region.full_name,
                alert.amount,
                alert.threshold,
                f"{alert.period:%Y-%m}",
                alert.get_kind_display(),
                categories.CATEGORIES[alert.category_held].label if alert.category_held else "",
                alert.get_disposition_display(),
                alert.get_department_display(),
            ),
        )
        people.append(claimant.pk)
    if full_ids:
        audit(user=by, action="export_full_id_numbers", target=batch, rows=len(people), claimant_ids=people)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
