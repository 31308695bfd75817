"""What the export of the alert list holds (``claimants.exports.ListExport``): ID numbers masked, amounts as
numbers, codes written as their labels, in the language of the person downloading."""

from django.utils.translation import gettext_lazy as _

from claimants.categories import label_of
from claimants.exports import ListExport

ALERTS = ListExport(
    target_type="monitoring.highcostalert",
    title=_("预警名单"),
    file_stem="alerts",
    columns=(
        (_("姓名"), lambda a: a.claimant.name),
        (_("身份证号"), lambda a: a.claimant.masked_id_number),
        (_("户籍所在地"), lambda a: a.hukou_region.name),
        (_("参保地"), lambda a: a.insured_region.name),
        (_("预警月份"), lambda a: a.period.strftime("%Y-%m")),
        (_("年度累计自付费用"), lambda a: a.amount),
        (_("预警标准"), lambda a: a.threshold),
        (_("预警类型"), lambda a: a.get_kind_display()),
        (_("截止日所持类别"), lambda a: label_of(a.category_held)),
        (_("接收部门"), lambda a: a.get_department_display()),
        (_("处理方式"), lambda a: a.get_disposition_display()),
        (_("反馈结果"), lambda a: a.get_result_display()),
        (_("说明"), lambda a: a.reason),
    ),
)
