"""The visit pages of medical-security staff: the list, its export, entry, a visit with the preview of its
settlement, settling one or a page of them. ``VIEWERS`` and ``SETTLERS`` are the settlement pages' roles."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View
from django_filters.views import FilterView

from claimants import params, roles
from claimants.selectors import claimants_visible_to
from claimants.tables import TableMixin
from claimants.views import ListExportView
from core.errors import DomainError
from settlements import exports as exports_of_lists
from settlements import history, selectors, services
from settlements.filters import VisitFilter
from settlements.forms.visits import SettleForm, VisitForm
from settlements.tables import VisitTable

VIEWERS = {roles.REVIEWER, roles.MANAGER, roles.ADMIN}
SETTLERS = {roles.REVIEWER}


class VisitListView(roles.RoleRequiredMixin, TableMixin, FilterView):
    """Visits, by default those awaiting settlement (待结算)."""

    template_name = "settlements/visit_list.html"
    allowed_roles = VIEWERS
    table_class = VisitTable
    filterset_class = VisitFilter
    paginate_by = 25

    def get_queryset(self):
        return (
            selectors.visits_visible_to(self.request.user)
            .select_related("claimant", "hospital")
            .order_by("discharged", "pk")
        )

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"data": _visit_filter_data(self.request)}

    def get_table_kwargs(self):
        return {} if self.request.user.role in SETTLERS else {"exclude": ("select",)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.role in SETTLERS:
            page = context["table"].page
            rows = page.object_list.data if page else []
            context["page_pending"] = [visit.pk for visit in rows if not visit.is_settled]
        filterset = context["filter"]
        if filterset.is_valid() and filterset.form.cleaned_data.get("claimant"):
            context["person"] = (
                claimants_visible_to(self.request.user)
                .filter(pk=filterset.form.cleaned_data["claimant"])
                .first()
            )
        return context


def _visit_filter_data(request):
    """The visit list's query: visits awaiting settlement when nothing is asked."""
    return request.GET if request.GET else {"status": "awaiting"}


class VisitExportView(ListExportView):
    """The filtered visit list as CSV or XLSX (ID numbers masked, audited)."""

    allowed_roles = VIEWERS
    export = exports_of_lists.VISITS
    filterset_class = VisitFilter
    list_url = "settlements:visit_list"

    def get_queryset(self):
        return selectors.visits_visible_to(self.request.user).select_related("claimant", "hospital")

    def filter_data(self, request):
        return _visit_filter_data(request)


class VisitBulkSettleView(roles.RoleRequiredMixin, View):
    """Settle the selected visits, or the page's visits awaiting settlement, as one batch."""

    allowed_roles = SETTLERS

    def post(self, request):
        field = "page_visit" if request.POST.get("scope") == "page" else "visit"
        ids = set(params.positive_ints(request.POST.getlist(field)))
        visits = list(selectors.visits_visible_to(request.user).filter(pk__in=ids).select_related("claimant"))
        query = request.POST.get("query", "")
        target = reverse("settlements:visit_list") + (f"?{query}" if query.isprintable() and query else "")
        if not ids:
            messages.error(request, _("请先选择要结算的就医记录"))
            return redirect(target)
        if len(visits) < len(ids):
            messages.warning(
                request,
                _("%(count)d 条就医记录不存在或不在您的管辖范围内，未结算")
                % {"count": len(ids) - len(visits)},
            )
        outcome = services.settle_visits(visits=visits, by=request.user)
        if outcome.settlements:
            messages.success(request, _("已结算 %(count)d 条就医记录") % {"count": len(outcome.settlements)})
        for refusal in outcome.refusals:
            messages.error(
                request,
                _("%(name)s %(discharged)s 出院的就诊未结算：%(reason)s")
                % {
                    "name": refusal.visit.claimant.name,
                    "discharged": refusal.visit.discharged.isoformat(),
                    "reason": refusal.message,
                },
            )
        if any(settlement.out_of_order for settlement in outcome.settlements):
            messages.warning(request, _("已有更晚出院的就诊已结算：本次按当前台账结算，请查看待重新结算清单"))
        return redirect(target)


class VisitCreateView(roles.RoleRequiredMixin, FormView):
    template_name = "settlements/visit_form.html"
    allowed_roles = SETTLERS
    form_class = VisitForm

    def get_form_kwargs(self):
        user = self.request.user
        return super().get_form_kwargs() | {
            "claimants": claimants_visible_to(user),
            "hospitals": selectors.hospitals_for(user),
        }

    def form_valid(self, form):
        try:
            visit = services.record_visit(by=self.request.user, **form.service_kwargs())
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("就医记录已保存"))
        return redirect("settlements:visit_detail", pk=visit.pk)


class VisitDetailView(roles.RoleRequiredMixin, TemplateView):
    """A visit with the preview of every tier; reviewers settle it from here."""

    template_name = "settlements/visit_detail.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        visit = selectors.get_visit_for_user(user=self.request.user, visit_id=self.kwargs["pk"])
        context = super().get_context_data(**kwargs) | {"visit": visit, "form": SettleForm()}
        context["settlements"] = visit.settlements.select_related("settled_by").order_by("-pk")
        if not visit.is_settled:
            try:
                context["preview"] = services.preview_settlement(visit=visit)
            except DomainError as exc:
                context["refusal"] = exc.message
        context["can_settle"] = self.request.user.role in SETTLERS
        context["history"] = history.changes_of(visit)
        return context


class VisitSettleView(roles.RoleRequiredMixin, View):
    allowed_roles = SETTLERS

    def post(self, request, pk):
        visit = selectors.get_visit_for_user(user=request.user, visit_id=pk)
        form = SettleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("依申请结算日期无效"))
            return redirect("settlements:visit_detail", pk=pk)
        try:
            settlement = services.settle_visit(
                visit=visit, by=request.user, settled_on=form.cleaned_data["settled_on"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("settlements:visit_detail", pk=pk)
        messages.success(request, _("结算完成"))
        if settlement.out_of_order:
            messages.warning(request, _("已有更晚出院的就诊已结算：本次按当前台账结算，请查看待重新结算清单"))
        return redirect(settlement)
