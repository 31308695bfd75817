"""What the claimant pages share, and what other apps' lists build on: the roles that register and certify,
the filtered table list, the audited list export (``ListExportView``) and the form whose data goes to a
service."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView
from django_filters.views import FilterView

from claimants import exports, roles, services
from claimants.tables import CappedPaginator, TableMixin
from core.errors import DomainError

CASEWORKERS = {roles.CASEWORKER}
IMPORTERS = {roles.CIVIL, roles.RURAL}


class _FilteredTableView(roles.RoleRequiredMixin, TableMixin, FilterView):
    def get_table_pagination(self, table):
        return {"paginator_class": CappedPaginator, "per_page": self._per_page()}

    def _per_page(self) -> int:
        try:
            return max(1, min(int(self.request.GET.get("per_page", "")), 200))
        except ValueError:
            return settings.JIUZHU_LIST_PAGE_SIZE

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}


def export_refusal(request, filterset, *, back: str):
    """400: the export's filters are not ones the list accepts; the page names each problem."""
    problems = "；".join(
        f"{filterset.form.fields[name].label}：{'，'.join(errors)}"
        if name in filterset.form.fields
        else "，".join(errors)
        for name, errors in filterset.form.errors.items()
    )
    return render(
        request,
        "claimants/export_refused.html",
        {"problems": problems, "back": f"{back}?{request.GET.urlencode()}"},
        status=400,
    )


class ListExportView(roles.RoleRequiredMixin, View):
    """A list's filtered rows as CSV or XLSX (``claimants.exports.ListExport``), ID numbers masked: exactly
    the list's scope and filters, refused (400) when a filter is not one the list accepts, at most
    ``JIUZHU_EXPORT_MAX_ROWS`` rows; written to the audit log before the file is sent.

    Subclasses set ``export``, ``filterset_class`` and ``list_url`` and give ``get_queryset`` (the list's
    scope); ``filter_data`` is the list's query (a list with a default filter applies it here too)."""

    export: exports.ListExport
    filterset_class = None
    list_url = ""

    def get_queryset(self):
        raise NotImplementedError

    def filter_data(self, request):
        return request.GET

    def get(self, request, fmt):
        queryset = self.get_queryset()
        filterset = self.filterset_class(self.filter_data(request), queryset=queryset)
        if not filterset.is_valid():
            return export_refusal(request, filterset, back=reverse(self.list_url))
        limit = settings.JIUZHU_EXPORT_MAX_ROWS
        ids = list(filterset.qs.order_by("pk").values_list("pk", flat=True)[: limit + 1])
        if len(ids) > limit:
            messages.error(request, _("导出超过 %(limit)s 行，请先缩小筛选范围") % {"limit": limit})
            return redirect(f"{reverse(self.list_url)}?{request.GET.urlencode()}")
        filters = {
            name: value if isinstance(value, (str, int, bool)) else str(value)
            for name, value in filterset.form.cleaned_data.items()
            if value not in (None, "", [])
        }
        services.record_list_export(
            by=request.user, target_type=self.export.target_type, fmt=fmt, filters=filters, row_ids=ids
        )
        return exports.list_export_response(self.export, queryset, ids, fmt)


class _DomainFormView(roles.RoleRequiredMixin, FormView):
    """A form whose valid data goes to a service; a DomainError becomes a form error."""

    def form_valid(self, form):
        try:
            result = self.perform(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.success_url_for(result))

    def success_url_for(self, result):
        return result.get_absolute_url()

    def get_context_data(self, **kwargs):
        """``cancel_url``: back to the page the user came from (this site only), else the claimant list."""
        referer = self.request.headers.get("referer", "")
        safe = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        cancel_url = (
            referer if safe and referer != self.request.build_absolute_uri() else reverse("claimants:list")
        )
        return super().get_context_data(cancel_url=cancel_url, **kwargs)
