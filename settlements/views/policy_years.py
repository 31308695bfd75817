"""Policy years: their city's list and the editor generated from the parameter schema."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from claimants import roles
from core.errors import DomainError
from settlements import selectors, services
from settlements.forms.policy_years import PolicyYearForm


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
