"""The settlement pages: the list and its export, a settlement with its reversal, the one-bill statement as
page, PDF and XLSX."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from django_filters.views import FilterView

from claimants import roles
from claimants.tables import TableMixin
from claimants.views import ListExportView
from core.errors import DomainError
from settlements import exports as exports_of_lists
from settlements import history, selectors, services, statements
from settlements.filters import SettlementFilter
from settlements.forms.visits import ReversalForm
from settlements.tables import SettlementTable
from settlements.views.visits import SETTLERS, VIEWERS


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
