"""The bulk import of visits (the platform's settlement records): list, template, upload, a batch with its
report, commit and discard."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from claimants import exports, import_templates, imports, roles
from claimants.forms import ImportUploadForm
from claimants.selectors import import_batches_visible_to
from core.errors import DomainError
from settlements import visit_import, visit_template
from settlements.views.visits import SETTLERS, VIEWERS


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
        return _(
            "已导入就医记录 %(rows)s 条，新建参保人记录 %(persons)s 人，已存在或跳过 %(same)s 行，错误 %(bad)s 行"
        ) % {
            "rows": batch.rows_created,
            "persons": batch.persons_created,
            "same": batch.rows_unchanged,
            "bad": batch.rows_invalid,
        }


class VisitImportDiscardView(_VisitImportDecisionView):
    decide = staticmethod(imports.discard)

    def message(self, batch):
        return _("已放弃该批次")
