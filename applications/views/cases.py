"""The case page with its actions, documents and notices: each view checks the role, scopes the record
through the selectors (outside the region: 404), calls a service, and shows a refusal with its reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from applications import forms, selectors, services
from applications.errors import CaseError
from applications.models import ApplicationDocument, AssistanceApplication, State
from claimants import roles
from claimants.services import audit
from core.errors import DomainError

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
