"""Pages of the household (家庭): creating it, its page, editing it, adding and removing members."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from claimants import roles, selectors, services
from claimants.forms import HouseholdForm, MemberForm
from claimants.models import Household, Relation
from claimants.views.base import CASEWORKERS, _DomainFormView
from core.errors import DomainError


class HouseholdCreateView(_DomainFormView):
    template_name = "claimants/form.html"
    form_class = HouseholdForm
    allowed_roles = CASEWORKERS
    success_message = gettext_lazy("已建户")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("新建家庭"), **kwargs)

    def perform(self, data):
        return services.create_household(by=self.request.user, **data)


class HouseholdDetailView(roles.RoleRequiredMixin, DetailView):
    template_name = "claimants/household_detail.html"
    allowed_roles = roles.ALL_ROLES
    context_object_name = "household"

    def get_object(self, queryset=None):
        return selectors.get_household_for_user(user=self.request.user, household_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = list(self.object.members.order_by("relation_to_head", "id"))
        context.update(
            members=members,
            head=next((m for m in members if m.relation_to_head == Relation.HEAD), None),
            history=selectors.change_history(Household, [self.object.pk]),
            can_edit=roles.has_role(self.request.user, CASEWORKERS),
            member_form=MemberForm(user=self.request.user),
        )
        return context


class HouseholdUpdateView(_DomainFormView):
    template_name = "claimants/form.html"
    form_class = HouseholdForm
    allowed_roles = CASEWORKERS
    success_message = gettext_lazy("已保存")

    @cached_property
    def household(self):
        return selectors.get_household_for_user(user=self.request.user, household_id=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "editing": True}

    def get_initial(self):
        return {"address": self.household.address}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("修改家庭：%(number)s") % {"number": self.household.number}, **kwargs
        )

    def perform(self, data):
        return services.update_household(household=self.household, by=self.request.user, **data)


class HouseholdMemberAddView(roles.RoleRequiredMixin, View):
    allowed_roles = CASEWORKERS

    def post(self, request, pk):
        household = selectors.get_household_for_user(user=request.user, household_id=pk)
        form = MemberForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, "；".join(errors))
            return redirect(household)
        try:
            services.set_membership(
                claimant=form.cleaned_data["claimant"],
                by=request.user,
                household=household,
                relation_to_head=form.cleaned_data["relation_to_head"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已加入家庭"))
        return redirect(household)


class HouseholdMemberRemoveView(roles.RoleRequiredMixin, View):
    allowed_roles = CASEWORKERS

    def post(self, request, pk, claimant_pk):
        household = selectors.get_household_for_user(user=request.user, household_id=pk)
        claimant = selectors.get_claimant_for_user(user=request.user, claimant_id=claimant_pk)
        if claimant.household_id == household.pk:
            services.set_membership(claimant=claimant, by=request.user, household=None)
            messages.success(request, _("已移出家庭"))
        return redirect(household)
