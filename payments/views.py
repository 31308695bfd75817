"""Pages of payments: the payable queue (the reviewer makes a batch), the batch page (check, return,
release, bank file, bank results), the payee form and the public notice.

Views check the role (403), scope the record through the selectors (outside the region: 404), call a
service and answer; a refusal from a service is shown as a message with its reason.
"""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from claimants import params, roles
from claimants.models import Region
from claimants.selectors import get_claimant_for_user
from core.errors import DomainError
from core.regions import in_region
from payments import files, forms, selectors, services
from payments.errors import PaymentError
from payments.models import BatchState, Payee, PaymentEvent

STAFF = services.CHECKERS | services.RELEASERS
NOTICE_ROLES = STAFF


class BatchListView(roles.RoleRequiredMixin, TemplateView):
    """The batches of the user's region, newest first, with what waits for the user."""

    template_name = "payments/batch_list.html"
    allowed_roles = STAFF

    def get_context_data(self, **kwargs):
        batches = selectors.batches_visible_to(self.request.user).select_related(
            "region", "made_by", "checked_by", "released_by"
        )
        return {**super().get_context_data(**kwargs), "batches": batches[:200], "can_make": self.can_make}

    @property
    def can_make(self) -> bool:
        return self.request.user.role in services.MAKERS


class PayableListView(roles.RoleRequiredMixin, TemplateView):
    """待支付: approved applications and owed differences of the reviewer's region; select, then make."""

    template_name = "payments/payable_list.html"
    allowed_roles = services.MAKERS

    def get_context_data(self, **kwargs):
        region = self.request.user.region_id
        applications = (
            selectors.payable_applications(region)
            .select_related("claimant__payee", "region")
            .order_by("region_id", "pk")
        )
        settlements = (
            selectors.payable_settlements(region)
            .select_related("claimant__payee", "claimant__hukou_region", "visit__hospital")
            .order_by("claimant__hukou_region_id", "pk")
        )
        failed = {
            line.pk: line
            for line in selectors.failed_lines(
                [a.last_failed_line for a in applications] + [s.last_failed_line for s in settlements]
            )
        }
        return {
            **super().get_context_data(**kwargs),
            "applications": [(a, failed.get(a.last_failed_line)) for a in applications],
            "settlements": [(s, failed.get(s.last_failed_line)) for s in settlements],
        }

    def post(self, request):
        try:
            batch = services.make_batch(
                by=request.user,
                application_ids=params.positive_ints(request.POST.getlist("application")),
                settlement_ids=params.positive_ints(request.POST.getlist("settlement")),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("payments:payable")
        messages.success(request, _("已制单：%(number)s，请另一位工作人员复核") % {"number": batch.number})
        return redirect(batch)


class BatchDetailView(roles.RoleRequiredMixin, TemplateView):
    template_name = "payments/batch_detail.html"
    allowed_roles = STAFF

    def get_context_data(self, **kwargs):
        user = self.request.user
        batch = selectors.get_batch_for_user(user=user, batch_id=self.kwargs["pk"])
        others = batch.made_by_id != user.pk and batch.checked_by_id != user.pk
        return {
            **super().get_context_data(**kwargs),
            "batch": batch,
            "lines": selectors.lines_of(batch),
            "events": batch.events.select_related("actor", "line"),
            "can_check": batch.state == BatchState.MADE
            and user.role in services.CHECKERS
            and batch.made_by_id != user.pk,
            "can_release": batch.state == BatchState.CHECKED and user.role in services.RELEASERS and others,
            "has_bank_file": batch.state in (BatchState.RELEASED, BatchState.RECONCILED)
            and not batch.historical,
            "can_import": batch.state == BatchState.RELEASED and user.role in services.IMPORTERS,
            "return_form": kwargs.get("return_form") or forms.ReturnForm(),
            "release_form": forms.ReleaseForm(),
            "result_form": kwargs.get("result_form") or forms.ResultFileForm(),
            "result_errors": kwargs.get("result_errors", []),
        }


class _BatchActionView(BatchDetailView):
    http_method_names = ["post"]
    allowed_roles: frozenset[str] = frozenset()
    done = ""

    def post(self, request, pk):
        batch = selectors.get_batch_for_user(user=request.user, batch_id=pk)
        try:
            self.act(batch, request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, str(self.done))
        return redirect(batch)

    def act(self, batch, request):
        raise NotImplementedError


class BatchCheckView(_BatchActionView):
    allowed_roles = services.CHECKERS
    done = _("复核通过，待管理人员放款")

    def act(self, batch, request):
        services.check_batch(batch=batch, by=request.user)


class BatchReturnView(_BatchActionView):
    allowed_roles = services.CHECKERS
    done = _("批次已退回，其中事项回到待支付")

    def act(self, batch, request):
        services.return_batch(batch=batch, by=request.user, reason=request.POST.get("reason", ""))


class BatchReleaseView(_BatchActionView):
    allowed_roles = services.RELEASERS
    done = _("已放款，请下载银行文件报送银行")

    def act(self, batch, request):
        form = forms.ReleaseForm(request.POST)
        if not form.is_valid():
            raise DomainError(PaymentError.NOTE_TOO_LONG, limit=forms.NOTE_MAX_LENGTH)
        batch = services.release_batch(batch=batch, by=request.user, note=form.cleaned_data["note"])
        released = batch.events.filter(kind=PaymentEvent.Kind.RELEASED).latest("at")
        for warning in released.data.get("warnings", []):
            messages.warning(request, warning)


class BankFileView(roles.RoleRequiredMixin, View):
    """The bank file of a released batch (full account numbers): every download is audited."""

    allowed_roles = services.BANK_FILE_ROLES

    def get(self, request, pk, fmt):
        batch = selectors.get_batch_for_user(user=request.user, batch_id=pk)
        try:
            services.record_bank_file_download(batch=batch, by=request.user, fmt=fmt)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(batch)
        return files.bank_file(batch, fmt)


class BankResultUploadView(BatchDetailView):
    """Upload the bank's result file: all lines are applied, or none and every problem is listed."""

    http_method_names = ["post"]
    allowed_roles = services.IMPORTERS

    def post(self, request, pk):
        batch = selectors.get_batch_for_user(user=request.user, batch_id=pk)
        form = forms.ResultFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(pk=pk, result_form=form))
        uploaded = form.cleaned_data["file"]
        try:
            outcome = import_results(
                batch=batch, by=request.user, name=uploaded.name, content=uploaded.read()
            )
        except services.BankResultError as exc:
            return self.render_to_response(
                self.get_context_data(pk=pk, result_form=form, result_errors=exc.errors), status=400
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
            return self.render_to_response(self.get_context_data(pk=pk, result_form=form), status=400)
        messages.success(
            request,
            _("回盘已导入：到账 %(paid)s 笔，失败 %(failed)s 笔")
            % {"paid": outcome.paid, "failed": outcome.failed},
        )
        return redirect(batch)


def import_results(*, batch, by, name: str, content: bytes) -> services.ImportOutcome:
    """Read the result file and apply it (the page and the API both call this)."""
    return services.import_bank_results(batch=batch, by=by, results=files.read_bank_results(name, content))


class PayeeEditView(roles.RoleRequiredMixin, FormView):
    """Record or correct a person's payee; the account shows masked, so a correction types it in full."""

    template_name = "payments/payee_form.html"
    allowed_roles = services.PAYEE_EDITORS
    form_class = forms.PayeeForm

    @cached_property
    def claimant(self):
        return get_claimant_for_user(user=self.request.user, claimant_id=self.kwargs["claimant_id"])

    @cached_property
    def payee(self):
        return Payee.objects.filter(claimant=self.claimant).first()

    def get_initial(self):
        if self.payee is None:
            return {"name": self.claimant.name}
        return {"name": self.payee.name, "bank_name": self.payee.bank_name}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "claimant": self.claimant, "payee": self.payee}

    def form_valid(self, form):
        try:
            services.set_payee(claimant=self.claimant, by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("收款账户已保存：%(name)s") % {"name": self.claimant.name})
        following = self.request.GET.get("next", "")
        if following == "payable" and self.request.user.role in services.MAKERS:
            return redirect("payments:payable")
        return redirect(self.claimant)


class NoticeView(roles.RoleRequiredMixin, TemplateView):
    """公示: the people of a township paid in a month, names masked, no ID numbers; printable or XLSX."""

    template_name = "payments/notice.html"
    allowed_roles = NOTICE_ROLES

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = forms.NoticeForm(self.request.GET or None, user=user)
        context = {**super().get_context_data(**kwargs), "form": form}
        if form.is_valid():
            context.update(notice(user, form.cleaned_data["region"], form.cleaned_data["month"]))
        return context

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if kwargs.get("fmt") == "xlsx":
            if "rows" not in context:
                raise Http404
            return files.notice_file(
                context["rows"],
                title=context["title"],
                name=f"notice-{context['township'].code}-{context['month']:%Y%m}",
            )
        return self.render_to_response(context)


def notice(user, region_code: str, month: dt.date) -> dict:
    if not in_region(region_code, user):
        raise Http404
    township = Region.objects.get(code=region_code)
    rows = files.notice_rows(
        selectors.paid_lines(region_code=region_code, year=month.year, month=month.month)
    )
    title = _("%(place)s %(year)s年%(month)s月医疗救助金发放公示") % {
        "place": township.full_name,
        "year": month.year,
        "month": month.month,
    }
    return {
        "township": township,
        "month": month,
        "rows": rows,
        "total": sum((r["amount"] for r in rows), 0),
        "title": title,
        "xlsx_url": reverse("payments:notice_xlsx") + "?" + _query(region_code, month),
        "printed_on": timezone.localdate(),
    }


def _query(region_code: str, month: dt.date) -> str:
    return urlencode({"region": region_code, "month": f"{month:%Y-%m}"})
