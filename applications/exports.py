"""What the export of the application list holds (``claimants.exports.ListExport``).

ID numbers are masked; amounts are numbers (``Decimal``), dates are dates, codes are written as their labels.
"""

from django.utils.translation import gettext_lazy as _

from claimants.exports import ListExport

APPLICATIONS = ListExport(
    target_type="applications.assistanceapplication",
    title=_("救助申请"),
    file_stem="applications",
    columns=(
        (_("编号"), lambda a: a.number),
        (_("申请人"), lambda a: a.claimant.name),
        (_("身份证号"), lambda a: a.claimant.masked_id_number),
        (_("申请类型"), lambda a: a.get_kind_display()),
        (_("申请认定类别"), lambda a: a.requested_category_label),
        (_("状态"), lambda a: a.get_state_display()),
        (_("受理地"), lambda a: a.region.name),
        (_("申请日期"), lambda a: a.submitted_on),
        (_("办理期限"), lambda a: a.due_on if a.is_open else None),
        (_("核定救助金额"), lambda a: a.assessed_amount),
        (_("支付金额"), lambda a: a.paid_amount),
    ),
)
