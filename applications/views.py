"""Pages of the application workflow: queues, registration, the case page with its actions, documents.

Views check the role, scope the record through the selectors (outside the region: 404), call a service,
and answer; a refusal from a service is shown as a message with its reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from applications import exports, forms, selectors, services
from applications.errors import CaseError
from applications.filters import ApplicationFilter
from applications.models import ApplicationDocument, AssistanceApplication, State
from applications.tables import ApplicationTable
from claimants import idnumbers, params, pickers, roles
from claimants import services as claimant_services
from claimants.errors import DomainError
from claimants.forms import PersonSearchForm
from claimants.selectors import get_claimant_for_user
from claimants.services import audit
from claimants.tables import TableMixin
from claimants.views import ListExportView


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


# action -> (form class, service call with the form's cleaned data)
ACTIONS = {
    "accept": (
        forms.OptionalReasonForm,
        lambda a, u, d: services.accept_application(application=a, by=u, **d),
    ),
    "refuse": (forms.ReasonForm, lambda a, u, d: services.refuse_application(application=a, by=u, **d)),
    "refer": (forms.ReferForm, lambda a, u, d: services.refer_application(application=a, by=u, **d)),
    "certify": (forms.CertifyForm, lambda a, u, d: services.certify_referral(application=a, by=u, **d)),
    "decline": (forms.ReasonForm, lambda a, u, d: services.decline_referral(application=a, by=u, **d)),
    "approve": (
        forms.OptionalReasonForm,
        lambda a, u, d: services.approve_application(application=a, by=u, **d),
    ),
    "send_back": (forms.ReasonForm, lambda a, u, d: services.return_application(application=a, by=u, **d)),
    "resubmit": (
        forms.ResubmitForm,
        lambda a, u, d: services.resubmit_application(
            application=a, by=u, reason=d["reason"], visits=list(d["visits"])
        ),
    ),
    "reject": (forms.ReasonForm, lambda a, u, d: services.reject_application(application=a, by=u, **d)),
    "close": (forms.OptionalReasonForm, lambda a, u, d: services.close_application(application=a, by=u, **d)),
    "withdraw": (forms.ReasonForm, lambda a, u, d: services.withdraw_application(application=a, by=u, **d)),
}


# Actions that end or turn down a case look different from the main action; these and the approval ask for
# confirmation first (static/js/confirm.js).
DESTRUCTIVE_ACTIONS = frozenset({"refuse", "decline", "reject", "withdraw", "close"})
CONFIRMED_ACTIONS = DESTRUCTIVE_ACTIONS | {"approve"}


def action_form(action, application, user, data=None):
    form_class = ACTIONS[action][0]
    kwargs = {"prefix": action}
    if form_class in (forms.ReferForm, forms.ResubmitForm):
        kwargs["application"] = application
    if form_class is forms.CertifyForm:
        kwargs.update(application=application, department=user.department)
    return form_class(data, **kwargs)


class ApplicationDetailView(roles.RoleRequiredMixin, TemplateView):
    template_name = "applications/application_detail.html"
    allowed_roles = roles.ALL_ROLES

    def get_context_data(self, **kwargs):
        user = self.request.user
        application = selectors.get_application_for_user(user=user, application_id=self.kwargs["pk"])
        allowed = services.allowed_actions(application, user)
        forms_by_action = kwargs.pop("forms", {})
        return {
            **super().get_context_data(**kwargs),
            "application": application,
            "events": selectors.timeline(application),
            "covered": application.covered_visits.select_related("visit__hospital", "visit__claimant"),
            "documents": application.documents.select_related("uploaded_by"),
            "actions": [
                (
                    name,
                    services.ACTION_EVENTS[name].label,
                    forms_by_action.get(name) or action_form(name, application, user),
                )
                for name in allowed
            ],
            **self.approval_preview(application, allowed),
            "document_form": forms.DocumentForm(),
            "destructive_actions": DESTRUCTIVE_ACTIONS,
            "confirmed_actions": CONFIRMED_ACTIONS,
            "can_upload": user.role in (roles.CASEWORKER, roles.REVIEWER, roles.CIVIL, roles.RURAL),
            "today": timezone.localdate(),
            "has_receipt": selectors.receipt(application) is not None,
            "has_refusal_notice": selectors.refusal_notice(application) is not None,
            "payment": services.payment_of(application, user),
            "awaiting_batch": application.state == State.APPROVED and bool(application.assessed_amount),
        }

    def approval_preview(self, application, allowed) -> dict:
        """For a reviewer who may approve: the amount and explanation approving would store, or why not."""
        if "approve" not in allowed:
            return {}
        try:
            return {"preview": services.preview_approval(application=application, by=self.request.user)}
        except DomainError as exc:
            return {"preview_error": exc.message}


class ApplicationActionView(ApplicationDetailView):
    """POST one action of the workflow: the service checks state, role and region."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        roles.require_role(request.user, services.action_roles(action))  # a wrong role: 403 before 404
        application = selectors.get_application_for_user(user=request.user, application_id=pk)
        form = action_form(action, application, request.user, request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(forms={action: form}))
        try:
            ACTIONS[action][1](application, request.user, form.cleaned_data)
        except DomainError as exc:
            if exc.code == CaseError.ROLE_NOT_ALLOWED:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            done = _("已完成：%(action)s") % {"action": services.ACTION_EVENTS[action].label}
            if action == "approve":  # a reviewer approving a queue moves on; payment comes later, in turn
                return self.next_to_approve(done, application)
            messages.success(request, done)
        return redirect("applications:application_detail", pk=pk)

    def next_to_approve(self, done: str, approved: AssistanceApplication):
        """After an approval, the next application of the reviewer's region awaiting one (earliest due first),
        or the list when none is left; the message links back to the one just approved."""
        waiting = (
            selectors.inbox(self.request.user).filter(state__in=APPROVABLE_STATES).order_by("due_on", "pk")
        )
        link = format_html('<a href="{}">{}</a>', approved.get_absolute_url(), approved.number)
        following = waiting.first()
        if following is None:
            messages.success(self.request, format_html("{}（{}）。{}", done, link, _("没有其他待审核的申请")))
            return redirect("applications:application_list")
        left = waiting.count()
        messages.success(
            self.request,
            format_html(
                "{}（{}）。{}",
                done,
                link,
                ngettext(
                    "下一件待审核的申请如下（还有 %(n)s 件）", "下一件待审核的申请如下（还有 %(n)s 件）", left
                )
                % {"n": left},
            ),
        )
        return redirect(following)


# The states in which a reviewer approves (审核): after acceptance, or after a referral was certified.
APPROVABLE_STATES = (State.ACCEPTED, State.CERTIFIED)


class DocumentUploadView(roles.RoleRequiredMixin, View):
    allowed_roles = {roles.CASEWORKER, roles.REVIEWER, roles.CIVIL, roles.RURAL}

    def post(self, request, pk):
        application = selectors.get_application_for_user(user=request.user, application_id=pk)
        form = forms.DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_document(
                    application=application,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded=form.cleaned_data["file"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("材料已上传"))
        else:
            messages.error(request, _("请选择材料类型和文件"))
        return redirect("applications:application_detail", pk=pk)


class DocumentDownloadView(roles.RoleRequiredMixin, View):
    """Serve a stored document to a user who may see its application; each read is audited."""

    allowed_roles = roles.ALL_ROLES

    def get(self, request, pk, document_id):
        application = selectors.get_application_for_user(user=request.user, application_id=pk)
        document = get_object_or_404(ApplicationDocument, pk=document_id, application=application)
        audit(user=request.user, action="view_document", target=document, application=application.pk)
        response = FileResponse(document.file.open("rb"), content_type=document.content_type)
        response["Content-Disposition"] = f'inline; filename="document{document.extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class _NoticeView(roles.RoleRequiredMixin, TemplateView):
    """A printable notice of an application, for whoever may see the application; 404 before the decision."""

    template_name = "applications/notice.html"
    allowed_roles = roles.ALL_ROLES
    notice = None  # selectors.receipt or selectors.refusal_notice
    title = ""

    def get_context_data(self, **kwargs):
        application = selectors.get_application_for_user(
            user=self.request.user, application_id=self.kwargs["pk"]
        )
        notice = type(self).notice(application)
        if notice is None:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "notice": notice,
            "title": self.title,
            "kind": self.kind,
        }


class ApplicationReceiptView(_NoticeView):
    """受理回执: printed for the applicant once the township office accepted the application."""

    notice = staticmethod(selectors.receipt)
    title = gettext_lazy("医疗救助申请受理回执")
    kind = "receipt"


class ApplicationRefusalNoticeView(_NoticeView):
    """不予受理告知书: printed for the applicant once the application was refused, with the reason."""

    notice = staticmethod(selectors.refusal_notice)
    title = gettext_lazy("医疗救助申请不予受理告知书")
    kind = "refusal"
