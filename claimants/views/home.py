"""The workbench (首页): what the signed-in user can do, by role, with what waits in each queue."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from claimants import roles
from claimants.context_processors import navigation


class HomeView(roles.RoleRequiredMixin, TemplateView):
    """The workbench: what the signed-in user can do, by role, with what waits in each queue."""

    template_name = "home.html"
    allowed_roles = roles.ALL_ROLES
    HINTS = {
        "claimants:list": gettext_lazy("登记、查询救助对象及其家庭"),
        "claimants:certification_list": gettext_lazy("特困、低保等救助身份及有效期"),
        "claimants:import_list": gettext_lazy("批量导入部门认定名单"),
        "settlements:visit_list": gettext_lazy("就医记录，待结算的就医"),
        "settlements:settlement_list": gettext_lazy("一站式结算、冲正与结算单"),
        "applications:application_list": gettext_lazy("依申请救助：受理、转办、认定、审核、支付"),
        "monitoring:alert_list": gettext_lazy("高额医疗费用预警名单与认定反馈"),
        "monitoring:dashboard": gettext_lazy("案件、资金、限额与预警统计，医疗救助月报"),
        "finance:clearing": gettext_lazy("定点医疗机构垫付资金的月度对账、复核、批准与支付"),
        "finance:funds": gettext_lazy("基金收入、支出、结余与预算执行"),
    }

    # Workbench entries that are not in the navigation bar: the administrator's yearly parameters and the
    # system administration (the admin site, for staff accounts).
    ADMINISTRATION = (
        (
            "settlements:policy_year_list",
            gettext_lazy("政策参数"),
            gettext_lazy("各年度政策参数，含修改历史"),
        ),
        ("admin:index", gettext_lazy("系统管理"), gettext_lazy("工作人员账号、定点医疗机构、预警规则")),
    )

    def get_context_data(self, **kwargs):
        items = navigation(self.request)["nav_items"]  # kept on the request: counted once per page
        cards = [(item, self.HINTS.get(item["name"], "")) for item in items if item["name"] != "home"]
        user = self.request.user
        if user.role == roles.ADMIN:
            cards += [
                ({"name": name, "url": reverse(name), "label": label, "count": None}, hint)
                for name, label, hint in self.ADMINISTRATION
                if name != "admin:index" or user.is_staff
            ]
        return super().get_context_data(cards=cards, **kwargs)
