"""Monitoring pages: the monthly list and department queues, feedback, push batches, runs and metrics."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView, TemplateView
from django_filters.views import FilterView

from claimants import roles
from claimants.selectors import claimants_visible_to
from claimants.tables import TableMixin
from claimants.views import ListExportView
from core.errors import DomainError
from core.roles import DEPARTMENT_OFFICERS, officer_department
from monitoring import exports, selectors, services
from monitoring.filters import AlertFilter
from monitoring.forms import FeedbackForm, RunForm
from monitoring.models import HighCostAlert
from monitoring.tables import AlertTable, BatchTable
from settlements.views.visits import VIEWERS as VISIT_VIEWERS

MONITORING_ROLES = {roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER, roles.ADMIN}
RUN_ROLES = {roles.MANAGER}


class MonitoringView(roles.RoleRequiredMixin, TemplateView):
    """Metrics, the latest runs, and for managers the run-now button with live progress."""

    template_name = "monitoring/overview.html"
    allowed_roles = MONITORING_ROLES

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            metrics=selectors.metrics(user=user),
            runs=selectors.recent_runs(user),
            can_run=user.role in RUN_ROLES,
            run_form=RunForm(initial={"period": f"{services.previous_period(timezone.localdate()):%Y-%m}"}),
            **kwargs,
        )


class RunStartView(roles.RoleRequiredMixin, View):
    allowed_roles = RUN_ROLES

    def post(self, request):
        form = RunForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["period"][0])
            return redirect("monitoring:overview")
        try:
            run = services.request_run(period=form.cleaned_data["period"], by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("monitoring:overview")
        messages.info(request, _("预警任务已开始：%(period)s") % {"period": f"{run.period:%Y-%m}"})
        return redirect(f"{reverse('monitoring:overview')}?run={run.pk}")


class RunResumeView(roles.RoleRequiredMixin, View):
    """POST: a manager resumes a stuck run: the counties of their region it has not finished are sent again."""

    allowed_roles = RUN_ROLES

    def post(self, request, pk):
        run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
        try:
            sent = services.resume_run(run=run, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.info(request, _("已继续运行：重新派发 %(count)s 个区县") % {"count": sent})
        return redirect(f"{reverse('monitoring:overview')}?run={run.pk}")


class RunProgressView(roles.RoleRequiredMixin, View):
    """The small JSON the overview page polls while a run is going."""

    allowed_roles = MONITORING_ROLES

    def get(self, request, pk):
        run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
        counts = selectors.run_counts(run, request.user)
        return JsonResponse(
            {
                "id": run.pk,
                "period": f"{run.period:%Y-%m}",
                "status": run.status,
                "status_label": run.get_status_display(),
                "percent": round(100 * counts["regions_done"] / counts["regions_total"])
                if counts["regions_total"]
                else 100,
                "error": run.error,
                **counts,
            }
        )


class AlertListView(roles.RoleRequiredMixin, TableMixin, FilterView):
    template_name = "monitoring/alert_list.html"
    allowed_roles = {roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER}
    table_class = AlertTable
    filterset_class = AlertFilter
    paginate_by = 25

    def get_queryset(self):
        return (
            selectors.alerts_visible_to(self.request.user)
            .select_related("claimant", "hukou_region", "insured_region")
            .order_by(*selectors.QUEUE_ORDER)
        )


class AlertExportView(ListExportView):
    """The filtered alert list as CSV or XLSX (ID numbers masked, audited)."""

    allowed_roles = {roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER}
    export = exports.ALERTS
    filterset_class = AlertFilter
    list_url = "monitoring:alert_list"

    def get_queryset(self):
        return selectors.alerts_visible_to(self.request.user).select_related(
            "claimant", "hukou_region", "insured_region"
        )


class AlertDetailView(roles.RoleRequiredMixin, TemplateView):
    """One alert; department officers answer it here (on its first push when it was carried over)."""

    template_name = "monitoring/alert_detail.html"
    allowed_roles = {roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER}

    def get_context_data(self, form=None, **kwargs):
        user = self.request.user
        alert = selectors.get_alert_for_user(user=user, alert_id=self.kwargs["pk"])
        root = alert.root
        can_answer = (
            officer_department(user) == alert.department
            and root.disposition == HighCostAlert.Disposition.PUSHED
            and not root.result
        )
        # Links only where the person's page and the visit list let this user in (the alert's county is the
        # person's registration county when it was raised; the person may have moved since).
        person_visible = claimants_visible_to(user).filter(pk=alert.claimant_id).exists()
        visits_url = (
            f"{reverse('settlements:visit_list')}?{urlencode({'claimant': alert.claimant_id, 'year': alert.period.year})}"
            if person_visible and user.role in VISIT_VIEWERS
            else ""
        )
        return super().get_context_data(
            alert=alert,
            root=root,
            form=form or (FeedbackForm(alert=alert) if can_answer else None),
            person_url=alert.claimant.get_absolute_url() if person_visible else "",
            visits_url=visits_url,
            **kwargs,
        )

    def post(self, request, pk):
        roles.require_role(request.user, DEPARTMENT_OFFICERS)  # the others read alerts, never answer
        alert = selectors.get_alert_for_user(user=request.user, alert_id=pk)
        form = FeedbackForm(request.POST, alert=alert)
        if form.is_valid():
            try:
                services.record_feedback(alert=alert, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return self._next_item(request, alert)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    @staticmethod
    def _next_item(request, answered: HighCostAlert):
        """After an answer, the next alert of the officer's queue, or the queue itself when none is left."""
        following = selectors.next_unanswered(user=request.user, after=answered)
        if following is None:
            messages.success(request, _("反馈已提交。您的预警均已反馈。"))
            return redirect("monitoring:alert_list")
        left = selectors.unanswered_count(request.user)
        messages.success(
            request,
            ngettext(
                "反馈已提交。下一条待反馈预警如下（还有 %(n)s 条）。",
                "反馈已提交。下一条待反馈预警如下（还有 %(n)s 条）。",
                left,
            )
            % {"n": left},
        )
        return redirect("monitoring:alert_detail", pk=following.pk)


class BatchListView(roles.RoleRequiredMixin, TableMixin, ListView):
    template_name = "monitoring/batch_list.html"
    allowed_roles = {roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER}
    table_class = BatchTable
    paginate_by = 25

    def get_queryset(self):
        return selectors.batches_visible_to(self.request.user).order_by("-period", "region")


class BatchDownloadView(roles.RoleRequiredMixin, View):
    allowed_roles = {roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER}

    def get(self, request, pk):
        batch = get_object_or_404(selectors.batches_visible_to(request.user), pk=pk)
        content = services.export_batch(
            batch=batch, alerts=selectors.batch_alerts(user=request.user, batch=batch), by=request.user
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="alerts-{batch.period:%Y-%m}-{batch.region_id}.xlsx"'
        )
        return response


class CertifiedFromAlertsView(roles.RoleRequiredMixin, ListView):
    """Feedback reaching medical security: people certified through alerts, with their visits to re-settle."""

    template_name = "monitoring/certified_list.html"
    allowed_roles = {roles.REVIEWER, roles.MANAGER}
    paginate_by = 25

    def get_queryset(self):
        return selectors.certified_from_alerts(self.request.user)
