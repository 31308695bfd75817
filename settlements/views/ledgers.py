"""A person's year ledger, and the people whose settlements a later certification changes (resettlement)."""

from django.views.generic import ListView, TemplateView

from claimants import roles
from claimants.selectors import claimants_visible_to, get_claimant_for_user
from settlements import selectors
from settlements.views.visits import VIEWERS


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
