"""Pages of the person (救助对象): the list and its exports, the person's page with the full ID number on
request, registration and editing."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from claimants import categories, exports, params, roles, selectors, services, timeline
from claimants.filters import ClaimantFilter
from claimants.forms import ClaimantForm, FullExportForm
from claimants.models import Certification, Claimant
from claimants.paging import KeysetPaginator
from claimants.tables import ClaimantTable, current_category_label
from claimants.views.base import CASEWORKERS, IMPORTERS, _DomainFormView, _FilteredTableView, export_refusal
from core.certifications import in_force_on

LIST_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "hukou_region__name",
    "hukou_region__jurisdiction",
    "scheme",
    "created_at",
)


class ClaimantListView(_FilteredTableView):
    """救助对象 list: search, filters, sort, keyset pagination (``claimants.paging``); exports of the
    filtered list."""

    template_name = "claimants/claimant_list.html"
    allowed_roles = roles.ALL_ROLES
    table_class = ClaimantTable
    filterset_class = ClaimantFilter

    def get_queryset(self):
        return (
            selectors.claimants_visible_to(self.request.user)
            .select_related("hukou_region")
            .only(*LIST_FIELDS)
            .prefetch_related(
                Prefetch(
                    "certifications",
                    queryset=Certification.objects.filter(in_force_on(selectors.today())).only(
                        "claimant_id", "category"
                    ),
                    to_attr="in_force",
                )
            )
        )

    def get_table_pagination(self, table):
        return False  # paged by key below, after tables2 has applied the requested order

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        get = self.request.GET
        searching = bool(get.get("q", "").strip())
        paginator = KeysetPaginator(table.data.data, self._per_page(), narrow=searching)
        try:
            number = int(get.get("page", 1))
        except ValueError:
            number = 1
        page = paginator.page(number=number, after=get.get("after"), before=get.get("before"))
        for record in page.object_list:
            record.current_category_label = current_category_label(record)
        table.paginator, table.page = paginator, page
        table.page_links = {
            "first": self._link(page=None) if page.has_previous else "",
            "previous": self._link(page=page.previous_page_number(), before=page.previous_cursor)
            if page.has_previous
            else "",
            "next": self._link(page=page.next_page_number(), after=page.next_cursor) if page.has_next else "",
            "last": self._link(page=paginator.num_pages)
            if page.has_next and not paginator.capped and page.number < paginator.num_pages
            else "",
        }
        return table

    def _link(self, **changes) -> str:
        query = self.request.GET.copy()
        for key in ("page", "after", "before"):
            query.pop(key, None)
        for key, value in changes.items():
            if value is not None:
                query[key] = value
        return f"?{query.urlencode()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_register"] = roles.has_role(self.request.user, CASEWORKERS)
        context["can_export_full_ids"] = roles.may_export_full_ids(self.request.user)
        return context


class _ClaimantExport(roles.RoleRequiredMixin, View):
    """The claimant list's rows for an export: exactly the list's filters, or a refusal (400) when a
    filter is not one the list accepts (an unknown category, a region outside the user's); at most
    ``JIUZHU_EXPORT_MAX_ROWS`` people."""

    def filtered(self, request):
        """(filters, claimant ids) or a response that refuses the export."""
        filterset = ClaimantFilter(
            request.GET, queryset=selectors.claimants_visible_to(request.user), user=request.user
        )
        if not filterset.is_valid():
            return None, export_refusal(request, filterset, back=reverse("claimants:list"))
        limit = settings.JIUZHU_EXPORT_MAX_ROWS
        ids = list(filterset.qs.order_by("id").values_list("id", flat=True)[: limit + 1])
        if len(ids) > limit:
            messages.error(request, _("导出超过 %(limit)s 行，请先缩小筛选范围") % {"limit": limit})
            return None, redirect(f"{reverse('claimants:list')}?{request.GET.urlencode()}")
        filters = {name: value for name, value in filterset.form.cleaned_data.items() if value}
        return (filters, ids), None


class ClaimantExportView(_ClaimantExport):
    """The filtered list as CSV or XLSX, ID numbers masked, for every role; written to the audit log."""

    allowed_roles = roles.ALL_ROLES

    def get(self, request, fmt):
        rows, refusal = self.filtered(request)
        if refusal:
            return refusal
        filters, ids = rows
        services.record_claimant_export(by=request.user, fmt=fmt, filters=filters, claimant_ids=ids)
        return exports.RESPONSES[fmt](ids, full_ids=False)


class ClaimantFullExportView(_ClaimantExport):
    """The filtered list with full ID numbers, for ``JIUZHU_FULL_ID_EXPORT_ROLES`` only: the page says how
    many people it holds and that the export is audited, and asks for the purpose; the POST writes the
    purpose, the row count and the people to the audit log, then sends the file."""

    allowed_roles = settings.JIUZHU_FULL_ID_EXPORT_ROLES
    template_name = "claimants/export_full.html"

    def get(self, request):
        return self._page(request, FullExportForm())

    def post(self, request):
        form = FullExportForm(request.POST)
        if not form.is_valid():
            return self._page(request, form)
        rows, refusal = self.filtered(request)
        if refusal:
            return refusal
        filters, ids = rows
        fmt = form.cleaned_data["format"]
        services.record_claimant_export(
            by=request.user, fmt=fmt, filters=filters, claimant_ids=ids, purpose=form.cleaned_data["purpose"]
        )
        return exports.RESPONSES[fmt](ids, full_ids=True)

    def _page(self, request, form):
        rows, refusal = self.filtered(request)
        if refusal:
            return refusal
        filters, ids = rows
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "rows": len(ids),
                "filters": filters,
                "query": request.GET.urlencode(),
                "back": f"{reverse('claimants:list')}?{request.GET.urlencode()}",
            },
        )


class ClaimantDetailView(roles.RoleRequiredMixin, DetailView):
    """One person: registration, household, certifications, change history and the timeline."""

    template_name = "claimants/claimant_detail.html"
    allowed_roles = roles.ALL_ROLES

    def get_object(self, queryset=None):
        return selectors.get_claimant_for_user(user=self.request.user, claimant_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, claimant = self.request.user, self.object
        certifications = list(claimant.certifications.order_by("-valid_from"))
        today = selectors.today()
        context.update(
            today=today,
            certifications=[
                (c, c.status_on(today), roles.may_certify(user, c.category)) for c in certifications
            ],
            members=claimant.household.members.order_by("relation_to_head", "id")
            if claimant.household_id
            else [],
            claimant_history=selectors.change_history(Claimant, [claimant.pk]),
            certification_history=selectors.change_history(Certification, [c.pk for c in certifications]),
            timeline=timeline.entries_for(claimant, user),
            can_edit=roles.has_role(user, CASEWORKERS),
            can_certify=roles.has_role(user, IMPORTERS),
            can_reveal=roles.may_see_full_id(user),
            current_category=categories.label_of(
                selectors.category_for_episode(claimant=claimant, start=today, end=today)
            ),
            full_id_number=kwargs.get("full_id_number"),
            age=claimant.age_on(today),
        )
        return context


class ClaimantRevealIdView(roles.RoleRequiredMixin, View):
    """POST only: show the full ID number once, writing the reveal to the audit log."""

    allowed_roles = settings.JIUZHU_FULL_ID_ROLES

    def post(self, request, pk):
        claimant = selectors.get_claimant_for_user(user=request.user, claimant_id=pk)
        number = services.reveal_id_number(claimant=claimant, by=request.user)
        view = ClaimantDetailView(request=request, kwargs={"pk": pk}, object=claimant)
        return render(request, view.template_name, view.get_context_data(full_id_number=number))


class ClaimantCreateView(_DomainFormView):
    template_name = "claimants/form.html"
    form_class = ClaimantForm
    allowed_roles = CASEWORKERS
    success_message = gettext_lazy("已登记")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {}
        number = self.request.GET.get("id_number", "").strip().upper()
        if len(number) == 18 and number[:17].isdigit():  # from the application lookup that found nobody
            initial["id_number"] = number
        household_id = params.positive_int(self.request.GET.get("household"))
        if household_id:
            household = selectors.households_visible_to(self.request.user).filter(pk=household_id).first()
            if household:
                initial |= {"household": household, "hukou_region": household.region_id}
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("登记救助对象"), **kwargs)

    def perform(self, data):
        return services.register_claimant(by=self.request.user, **data)

    def success_url_for(self, result):
        """Back to the application being registered when the person was registered for it."""
        if self.request.GET.get("then") == "application":
            return reverse("applications:application_register", args=[result.pk])
        return super().success_url_for(result)


class ClaimantUpdateView(_DomainFormView):
    template_name = "claimants/form.html"
    form_class = ClaimantForm
    allowed_roles = CASEWORKERS
    success_message = gettext_lazy("已保存")

    @cached_property
    def claimant(self):
        return selectors.get_claimant_for_user(user=self.request.user, claimant_id=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "editing": True}

    def get_initial(self):
        c = self.claimant
        return {
            f: getattr(c, f) for f in (*services.CLAIMANT_EDITABLE_FIELDS, "household", "relation_to_head")
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("修改登记信息：%(name)s") % {"name": self.claimant.name}, **kwargs
        )

    def perform(self, data):
        return services.update_claimant(claimant=self.claimant, by=self.request.user, **data)
