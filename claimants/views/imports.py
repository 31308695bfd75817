"""Pages of the certification import (认定名单导入): the batches, the template, upload and preview, the
per-row report, commit and discard."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from claimants import certification_import, exports, import_templates, imports, roles, selectors
from claimants.certification_import import KIND as CERTIFICATION_KIND
from claimants.forms import ImportUploadForm
from claimants.tables import ImportBatchTable, TableMixin
from claimants.views.base import IMPORTERS, _DomainFormView
from core.errors import DomainError


class ImportListView(roles.RoleRequiredMixin, TableMixin, TemplateView):
    template_name = "claimants/import_list.html"
    allowed_roles = {*IMPORTERS, roles.ADMIN}
    table_class = ImportBatchTable

    def get_table_data(self):  # the list shows counts, not the per-row reports
        return (
            selectors.import_batches_visible_to(self.request.user)
            .select_related("created_by")
            .defer("report")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_upload=roles.has_role(self.request.user, IMPORTERS), **kwargs)


class ImportTemplateView(roles.RoleRequiredMixin, View):
    """The certification import's template (CSV or XLSX): the headers it reads and one example row."""

    allowed_roles = IMPORTERS

    def get(self, request, fmt):
        spec = imports.get_spec(CERTIFICATION_KIND)
        example = certification_import.example_row(request.user)
        return import_templates.RESPONSES[fmt](spec, example, file_name="certification-import-template")


class ImportCreateView(_DomainFormView):
    """Upload a file: it is validated and kept for preview; nothing is imported yet."""

    template_name = "claimants/import_form.html"
    form_class = ImportUploadForm
    allowed_roles = IMPORTERS
    success_message = gettext_lazy("文件已检查，请核对后确认导入")

    def get_context_data(self, **kwargs):
        spec = imports.get_spec(CERTIFICATION_KIND)
        return super().get_context_data(columns=spec.columns, **kwargs)

    def perform(self, data):
        upload = data["file"]
        return imports.stage(
            kind=CERTIFICATION_KIND, file_name=upload.name, content=upload.read(), by=self.request.user
        )


class ImportDetailView(roles.RoleRequiredMixin, DetailView):
    """The batch: counts and the per-row report; commit or discard while it is staged."""

    template_name = "claimants/import_detail.html"
    allowed_roles = {*IMPORTERS, roles.ADMIN}
    context_object_name = "batch"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.import_batches_visible_to(self.request.user).select_related("created_by"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        batch = self.object
        return super().get_context_data(
            can_decide=batch.status == batch.Status.STAGED and batch.created_by_id == self.request.user.pk,
            report=batch.report[: imports.REPORT_SHOWN],
            report_url=reverse("claimants:import_report", args=[batch.pk]),
            **kwargs,
        )


class ImportReportView(roles.RoleRequiredMixin, View):
    """The batch's whole per-row report as XLSX."""

    allowed_roles = {*IMPORTERS, roles.ADMIN}

    def get(self, request, pk):
        batch = get_object_or_404(selectors.import_batches_visible_to(request.user), pk=pk)
        return exports.import_report_response(batch, row_label=_("人员"))


class _ImportDecisionView(roles.RoleRequiredMixin, View):
    allowed_roles = IMPORTERS

    def post(self, request, pk):
        batch = get_object_or_404(
            selectors.import_batches_visible_to(request.user).filter(created_by=request.user), pk=pk
        )
        try:
            batch = self.decide(batch=batch, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.message(batch))
        return redirect(batch)


class ImportCommitView(_ImportDecisionView):
    decide = staticmethod(imports.commit)

    def message(self, batch):
        return _(
            "已导入：新增认定 %(rows)s 条，新登记 %(persons)s 人，已存在未变 %(same)s 行，错误 %(bad)s 行"
        ) % {
            "rows": batch.rows_created,
            "persons": batch.persons_created,
            "same": batch.rows_unchanged,
            "bad": batch.rows_invalid,
        }


class ImportDiscardView(_ImportDecisionView):
    decide = staticmethod(imports.discard)

    def message(self, batch):
        return _("已放弃该批次")
