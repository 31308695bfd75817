"""Screens for medical-security staff: visits, settlement with preview, settlements, ledgers, policy years.

Each view checks the role, scopes through a selector (outside the region = 404), calls a service, responds.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View
from django_filters.views import FilterView

from claimants import exports, import_templates, imports, params, roles
from claimants.forms import ImportUploadForm
from claimants.selectors import claimants_visible_to, get_claimant_for_user, import_batches_visible_to
from claimants.tables import TableMixin
from claimants.views import ListExportView
from core.errors import DomainError
from settlements import exports as exports_of_lists
from settlements import history, selectors, services, statements, visit_import, visit_template
from settlements.filters import SettlementFilter, VisitFilter
from settlements.forms import PolicyYearForm, ReversalForm, SettleForm, VisitForm
from settlements.tables import SettlementTable, VisitTable

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


class SettlementListView(roles.RoleRequiredMixin, TableMixin, FilterView):
    template_name = "settlements/settlement_list.html"
    allowed_roles = VIEWERS
    table_class = SettlementTable
    filterset_class = SettlementFilter
    paginate_by = 25

    def get_queryset(self):
        return selectors.settlements_visible_to(self.request.user).select_related("claimant")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        in_force = context["filter"].qs.filter(reversed_at__isnull=True)
        context["totals"] = selectors.settlement_totals(in_force)
        context["tier_totals"] = selectors.tier_totals(context["totals"])
        return context


class SettlementExportView(ListExportView):
    """The filtered settlement list as CSV or XLSX (ID numbers masked, audited)."""

    allowed_roles = VIEWERS
    export = exports_of_lists.SETTLEMENTS
    filterset_class = SettlementFilter
    list_url = "settlements:settlement_list"

    def get_queryset(self):
        return (
            selectors.settlements_visible_to(self.request.user)
            .select_related("claimant", "visit__hospital")
            .prefetch_related("tiers")
        )


class SettlementDetailView(roles.RoleRequiredMixin, TemplateView):
    template_name = "settlements/settlement_detail.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        settlement = selectors.get_settlement_for_user(
            user=self.request.user, settlement_id=self.kwargs["pk"]
        )
        return super().get_context_data(**kwargs) | {
            "settlement": settlement,
            "form": ReversalForm(),
            "can_reverse": self.request.user.role in SETTLERS and settlement.reversed_at is None,
            "history": history.changes_of(settlement),
        }


class SettlementReverseView(roles.RoleRequiredMixin, View):
    allowed_roles = SETTLERS

    def post(self, request, pk):
        settlement = selectors.get_settlement_for_user(user=request.user, settlement_id=pk)
        form = ReversalForm(request.POST)
        try:
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.reverse_settlement(settlement=settlement, by=request.user, reason=reason)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已冲正，该就诊可重新结算"))
        return redirect(settlement)


class StatementView(roles.RoleRequiredMixin, View):
    """The printable one-bill statement (一单制结算单)."""

    allowed_roles = VIEWERS

    def get(self, request, pk):
        settlement = selectors.get_settlement_for_user(user=request.user, settlement_id=pk)
        return HttpResponse(statements.html(settlement, request=request))


class StatementPdfView(roles.RoleRequiredMixin, View):
    allowed_roles = VIEWERS

    def get(self, request, pk):
        settlement = selectors.get_settlement_for_user(user=request.user, settlement_id=pk)
        response = HttpResponse(
            statements.pdf(settlement, base_url=request.build_absolute_uri("/")),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="settlement-{settlement.pk}.pdf"'
        return response


class StatementXlsxView(roles.RoleRequiredMixin, View):
    allowed_roles = VIEWERS

    def get(self, request, pk):
        settlement = selectors.get_settlement_for_user(user=request.user, settlement_id=pk)
        response = HttpResponse(
            statements.xlsx(settlement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="settlement-{settlement.pk}.xlsx"'
        return response


class LedgerView(roles.RoleRequiredMixin, TemplateView):
    """A person's annual ledger: used deductible and cap left per pool, and the year's settlements; the link
    to 待重新结算核对 only when settling the year again now would change a settlement."""

    template_name = "settlements/ledger.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        claimant = get_claimant_for_user(user=self.request.user, claimant_id=self.kwargs["claimant_id"])
        year = self.kwargs["year"]
        return super().get_context_data(**kwargs) | {
            "ledger": selectors.year_ledger(claimant=claimant, year=year),
            "years": selectors.ledger_years(claimant=claimant, year=year),
            "to_check": len(selectors.resettlement_candidates(claimant, year)),
        }


class ResettlementListView(roles.RoleRequiredMixin, ListView):
    """待重新结算: people whose certifications changed after a settlement (or settled out of order), with the
    difference per visit from settling their year again now."""

    template_name = "settlements/resettlement_list.html"
    allowed_roles = VIEWERS
    paginate_by = 25

    def get_queryset(self):
        return selectors.claimant_years_to_check(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pairs = list(context["object_list"])
        claimants = (
            claimants_visible_to(self.request.user)
            .select_related("hukou_region")
            .in_bulk({pair["claimant_id"] for pair in pairs})
        )
        context["groups"] = [
            (claimants[pair["claimant_id"]], pair["year"], candidates)
            for pair in pairs
            if (candidates := selectors.resettlement_candidates(claimants[pair["claimant_id"]], pair["year"]))
        ]
        return context


class ClaimantResettlementView(roles.RoleRequiredMixin, TemplateView):
    """One person's year: the settlements that differ from settling the year again now."""

    template_name = "settlements/resettlement_list.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        claimant = get_claimant_for_user(user=self.request.user, claimant_id=self.kwargs["claimant_id"])
        year = self.kwargs["year"]
        candidates = selectors.resettlement_candidates(claimant, year)
        return super().get_context_data(**kwargs) | {
            "groups": [(claimant, year, candidates)] if candidates else [],
            "single": (claimant, year),
        }


class PolicyYearListView(roles.RoleRequiredMixin, ListView):
    template_name = "settlements/policy_year_list.html"
    allowed_roles = {roles.ADMIN, roles.MANAGER, roles.REVIEWER}

    def get_queryset(self):
        return selectors.policy_years_visible_to(self.request.user).order_by("-year")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"can_edit": self.request.user.role == roles.ADMIN}


class PolicyYearEditView(roles.RoleRequiredMixin, FormView):
    """Create or change a policy year (system administrators); the history keeps every old value."""

    template_name = "settlements/policy_year_form.html"
    allowed_roles = {roles.ADMIN}
    form_class = PolicyYearForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "pk" in self.kwargs:
            kwargs["instance"] = get_object_or_404(
                selectors.policy_years_visible_to(self.request.user), pk=self.kwargs["pk"]
            )
        kwargs["jurisdiction"] = self.request.user.jurisdiction
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        instance = context["form"].instance
        context["history"] = selectors.policy_year_history(instance) if instance.pk else []
        return context

    def form_valid(self, form):
        version = form.instance.version
        try:
            services.save_policy_year(
                policy_year=form.instance, by=self.request.user, reason=form.cleaned_data["change_reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if form.instance.pk and form.instance.version == version:
            messages.info(self.request, _("参数未改动，未生成新版本"))
        else:
            messages.success(self.request, _("政策参数已保存"))
        return redirect(reverse("settlements:policy_year_list"))


# Visit import (same staged import as certifications: claimants.imports) ---------------------------------


def _visit_batches(user):
    return import_batches_visible_to(user).filter(kind=visit_import.KIND).select_related("created_by")


class VisitImportListView(roles.RoleRequiredMixin, ListView):
    template_name = "settlements/import_list.html"
    allowed_roles = VIEWERS
    paginate_by = 25
    context_object_name = "batches"

    def get_queryset(self):
        return _visit_batches(self.request.user).defer("report").order_by("-created_at", "-pk")


class VisitImportTemplateView(roles.RoleRequiredMixin, View):
    """The visit import's template (CSV or XLSX): the Chinese headers it reads and one example row."""

    allowed_roles = SETTLERS

    def get(self, request, fmt):
        spec = imports.get_spec(visit_import.KIND)
        return import_templates.RESPONSES[fmt](
            spec, visit_template.example_row(request.user), file_name="visit-import-template"
        )


class VisitImportCreateView(roles.RoleRequiredMixin, FormView):
    """Upload a settlement-record file: it is validated and kept for preview; nothing is imported yet."""

    template_name = "settlements/import_form.html"
    allowed_roles = SETTLERS
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=imports.get_spec(visit_import.KIND).columns, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            batch = imports.stage(
                kind=visit_import.KIND, file_name=upload.name, content=upload.read(), by=self.request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("文件已检查，请核对后确认导入"))
        return redirect("settlements:import_detail", pk=batch.pk)


class VisitImportDetailView(roles.RoleRequiredMixin, TemplateView):
    template_name = "settlements/import_detail.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        batch = get_object_or_404(_visit_batches(self.request.user), pk=self.kwargs["pk"])
        can_decide = batch.status == batch.Status.STAGED and batch.created_by_id == self.request.user.pk
        return super().get_context_data(
            batch=batch,
            can_decide=can_decide,
            report=batch.report[: imports.REPORT_SHOWN],
            report_url=reverse("settlements:import_report", args=[batch.pk]),
            **kwargs,
        )


class VisitImportReportView(roles.RoleRequiredMixin, View):
    """The batch's whole per-row report as XLSX."""

    allowed_roles = VIEWERS

    def get(self, request, pk):
        batch = get_object_or_404(_visit_batches(request.user), pk=pk)
        return exports.import_report_response(batch, row_label=_("记录"))


class _VisitImportDecisionView(roles.RoleRequiredMixin, View):
    allowed_roles = SETTLERS

    def post(self, request, pk):
        batch = get_object_or_404(_visit_batches(request.user).filter(created_by=request.user), pk=pk)
        try:
            batch = self.decide(batch=batch, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.message(batch))
        return redirect("settlements:import_detail", pk=batch.pk)


class VisitImportCommitView(_VisitImportDecisionView):
    decide = staticmethod(imports.commit)

    def message(self, batch):
        return _("已导入就医记录 %(rows)s 条，已存在或跳过 %(same)s 行，错误 %(bad)s 行") % {
            "rows": batch.rows_created,
            "same": batch.rows_unchanged,
            "bad": batch.rows_invalid,
        }


class VisitImportDiscardView(_VisitImportDecisionView):
    decide = staticmethod(imports.discard)

    def message(self, batch):
        return _("已放弃该批次")
