"""Pages of the application queues and of registration: the lists, their export, bulk acceptance, the
applicant lookup and the registration form."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from applications import exports, forms, selectors, services
from applications.filters import ApplicationFilter
from applications.tables import ApplicationTable
from claimants import idnumbers, params, pickers, roles
from claimants import services as claimant_services
from claimants.forms import PersonSearchForm
from claimants.selectors import get_claimant_for_user
from claimants.tables import TableMixin
from claimants.views import ListExportView
from core.errors import DomainError


def _scope(request) -> str:
    return "all" if request.GET.get("scope") == "all" else "inbox"


def _listed(request):
    """The application list's rows: the user's queue (待办), or everything in their scope (``?scope=all``)."""
    user = request.user
    applications = (
        selectors.applications_visible_to(user) if _scope(request) == "all" else selectors.inbox(user)
    )
    return applications.select_related("claimant", "region")


class ApplicationExportView(ListExportView):
    """The filtered application list (the queue or everything in scope) as CSV or XLSX, masked, audited."""

    allowed_roles = roles.ALL_ROLES
    export = exports.APPLICATIONS
    filterset_class = ApplicationFilter
    list_url = "applications:application_list"

    def get_queryset(self):
        return _listed(self.request)


class ApplicationListView(roles.RoleRequiredMixin, TableMixin, FilterView):
    """The user's queue (待办) by default; ``?scope=all`` lists everything in their scope."""

    template_name = "applications/application_list.html"
    allowed_roles = roles.ALL_ROLES
    table_class = ApplicationTable
    filterset_class = ApplicationFilter
    paginate_by = 25

    def scope(self) -> str:
        return _scope(self.request)

    def get_queryset(self):
        return _listed(self.request)

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if self.request.user.role != roles.CASEWORKER:
            table.exclude = ("select",)
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["scope"] = self.scope()
        context["overdue_total"] = sum(
            selectors.overdue_counts(user=user, today=timezone.localdate()).values()
        )
        context["can_register"] = user.role == roles.CASEWORKER
        return context


class ApplicationBulkAcceptView(roles.RoleRequiredMixin, View):
    """受理 several submitted applications at once; each is its own transaction, reported one by one."""

    allowed_roles = {roles.CASEWORKER}

    def post(self, request):
        ids = params.positive_ints(request.POST.getlist("select"))
        visible = set(
            selectors.applications_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        outcomes = services.accept_applications(application_ids=visible, by=request.user)
        for outcome in outcomes:
            number = f"SQ{outcome.application_id:08d}"
            if outcome.ok:
                messages.success(request, _("%(number)s 已受理") % {"number": number})
            else:
                messages.error(request, f"{number}：{outcome.message}")
        if not ids:
            messages.warning(request, _("请先勾选申请"))
        return redirect("applications:application_list")


class ApplicationClaimantLookupView(roles.RoleRequiredMixin, TemplateView):
    """Registration starts by finding the applicant: by name, by whole ID number, or by part of it (at least
    four characters, audited), among the people of the caseworker's region. The candidates are listed with
    masked numbers; a whole number that nobody holds offers to register the person first."""

    template_name = "applications/application_lookup.html"
    allowed_roles = {roles.CASEWORKER}

    def get(self, request, *args, **kwargs):
        form = PersonSearchForm(request.GET or None)
        context = {"form": form}
        if form.is_valid():
            query = form.cleaned_data["q"]
            try:
                people, more = claimant_services.search_people(by=request.user, query=query)
            except DomainError as exc:
                form.add_error("q", exc.message)
            else:
                whole = idnumbers.is_valid(query.upper())
                if whole and len(people) == 1:  # the person's own number: straight to the application
                    return redirect("applications:application_register", claimant_id=people[0].pk)
                context.update(
                    searched=True, candidates=[(p, pickers.person_entry(p)) for p in people], more=more
                )
                if whole and not people:
                    register = urlencode({"id_number": query.upper(), "then": "application"})
                    context["register_url"] = f"{reverse('claimants:create')}?{register}"
        return self.render_to_response(self.get_context_data(**context))


class ApplicationRegisterView(roles.RoleRequiredMixin, FormView):
    template_name = "applications/application_form.html"
    allowed_roles = {roles.CASEWORKER}
    form_class = forms.RegisterForm

    @cached_property
    def claimant(self):  # looked up after the role check: a wrong role gets 403, not 404
        return get_claimant_for_user(user=self.request.user, claimant_id=self.kwargs["claimant_id"])

    def get_form_kwargs(self):
        visits = selectors.claimable_visits(self.claimant)
        return {**super().get_form_kwargs(), "claimant": self.claimant, "visits": visits}

    def get_initial(self):
        return {"submitted_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "claimant": self.claimant}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            application = services.register_application(
                by=self.request.user,
                claimant=self.claimant,
                kind=data["kind"],
                visits=list(data["visits"]),
                requested_category=data["requested_category"],
                statement=data["statement"],
                submitted_on=data["submitted_on"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("申请已登记：%(number)s") % {"number": application.number})
        return redirect(application)
