"""Dashboard pages: managers and system administrators only, scoped to the user's region subtree."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from claimants import roles
from monitoring.dashboards import exports, reports, selectors
from monitoring.dashboards.forms import SESSION_KEY, DashboardFilterForm, ReportForm

DASHBOARD_ROLES = {roles.MANAGER, roles.ADMIN}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def current_scope(request) -> tuple[DashboardFilterForm, selectors.Scope]:
    """Filters from the query string when given (then remembered in the session) over the remembered ones,
    else the user's own region and the latest year with settlements there (this year when there are none). A
    region outside the user's subtree falls back to the default."""
    user = request.user
    year = selectors.latest_year_with_data(user.region_id, until=timezone.localdate().year)
    default = {"region": user.region_id, "year": year}
    remembered = request.session.get(SESSION_KEY, default)
    given = {name: request.GET[name] for name in ("region", "year") if request.GET.get(name)}
    form = DashboardFilterForm({**remembered, **given}, user=user)
    if not form.is_valid():
        form = DashboardFilterForm(default, user=user)
        form.is_valid()
    request.session[SESSION_KEY] = {"region": form.cleaned_data["region"], "year": form.cleaned_data["year"]}
    region = form.regions[form.cleaned_data["region"]]
    return form, selectors.Scope(region=region, year=form.cleaned_data["year"])


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class DashboardView(roles.RoleRequiredMixin, TemplateView):
    template_name = "monitoring/dashboards/dashboard.html"
    allowed_roles = DASHBOARD_ROLES

    def get_context_data(self, **kwargs):
        form, scope = current_scope(self.request)
        panels = selectors.all_panels(scope, today=timezone.localdate())
        hospitals = next((p for p in panels if p.key == "hospital_scope_share"), None)
        last_month = timezone.localdate().replace(day=1) - timezone.timedelta(days=1)
        # The report offered is that of the year shown: its last ended month.
        report_month = (
            last_month if last_month.year <= scope.year else last_month.replace(year=scope.year, month=12)
        )
        return super().get_context_data(
            form=form,
            scope=scope,
            headline=selectors.headline(scope, panels),
            panels=panels,
            hospitals_below=selectors.hospitals_below_target(hospitals) if hospitals else None,
            report_form=ReportForm(initial={"month": report_month.strftime("%Y-%m")}),
            **kwargs,
        )


class PanelExportView(roles.RoleRequiredMixin, View):
    """One panel's table as XLSX, for the remembered filters."""

    allowed_roles = DASHBOARD_ROLES

    def get(self, request, key):
        _form, scope = current_scope(request)
        panel = next(
            (p for p in selectors.all_panels(scope, today=timezone.localdate()) if p.key == key), None
        )
        if panel is None:
            raise Http404
        return xlsx_response(exports.panel_xlsx(panel, scope), f"{key}-{scope.region.code}-{scope.year}.xlsx")


class MonthlyReportView(roles.RoleRequiredMixin, View):
    """医疗救助月报 of the remembered region for the chosen month."""

    allowed_roles = DASHBOARD_ROLES

    def get(self, request):
        form = ReportForm(request.GET)
        if not form.is_valid():
            return HttpResponse(_("请选择月份（YYYY-MM）"), status=400)
        _filters, scope = current_scope(request)
        month = form.cleaned_data["month"]
        content = reports.monthly_report(region=scope.region, month=month)
        return xlsx_response(content, f"monthly-report-{scope.region.code}-{month:%Y-%m}.xlsx")
