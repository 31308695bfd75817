"""Pages for the claimant registry. Views check role and region, call a selector or service, respond."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from claimants import (
    categories,
    certification_import,
    exports,
    import_templates,
    imports,
    params,
    pickers,
    roles,
    selectors,
    services,
    timeline,
)
from claimants.certification_import import KIND as CERTIFICATION_KIND
from claimants.context_processors import navigation
from claimants.filters import CertificationFilter, ClaimantFilter
from claimants.forms import (
    CertificationForm,
    ClaimantForm,
    FullExportForm,
    HouseholdForm,
    ImportUploadForm,
    MemberForm,
    PersonSearchForm,
    RevokeForm,
)
from claimants.models import Certification, Claimant, Household, Relation
from claimants.paging import KeysetPaginator
from claimants.tables import (
    CappedPaginator,
    CertificationTable,
    ClaimantTable,
    ImportBatchTable,
    TableMixin,
    current_category_label,
)
from core.certifications import in_force_on
from core.errors import DomainError

CASEWORKERS = {roles.CASEWORKER}
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
IMPORTERS = {roles.CIVIL, roles.RURAL}


class HomeView(roles.RoleRequiredMixin, TemplateView):
    """The workbench: what the signed-in user can do, by role, with what waits in each queue."""

    template_name = "home.html"
    allowed_roles = roles.ALL_ROLES
    HINTS = {
        "claimants:list": gettext_lazy("登记、查询救助对象及其家庭"),
        "claimants:certification_list": gettext_lazy("特困、低保等救助身份及有效期"),
        "claimants:import_list": gettext_lazy("批量导入部门认定名单"),
        "settlements:visit_list": gettext_lazy("就医记录，待结算的就医"),
        "settlements:settlement_list": gettext_lazy("一站式结算、冲正与结算单"),
        "applications:application_list": gettext_lazy("依申请救助：受理、转办、认定、审核、支付"),
        "monitoring:alert_list": gettext_lazy("高额医疗费用预警名单与认定反馈"),
        "monitoring:dashboard": gettext_lazy("案件、资金、限额与预警统计，医疗救助月报"),
        "finance:clearing": gettext_lazy("定点医疗机构垫付资金的月度对账、复核、批准与支付"),
        "finance:funds": gettext_lazy("基金收入、支出、结余与预算执行"),
    }

    # Workbench entries that are not in the navigation bar: the administrator's yearly parameters and the
    # system administration (the admin site, for staff accounts).
    ADMINISTRATION = (
        (
            "settlements:policy_year_list",
            gettext_lazy("政策参数"),
            gettext_lazy("各年度政策参数，含修改历史"),
        ),
        ("admin:index", gettext_lazy("系统管理"), gettext_lazy("工作人员账号、定点医疗机构、预警规则")),
    )

    def get_context_data(self, **kwargs):
        items = navigation(self.request)["nav_items"]  # kept on the request: counted once per page
        cards = [(item, self.HINTS.get(item["name"], "")) for item in items if item["name"] != "home"]
        user = self.request.user
        if user.role == roles.ADMIN:
            cards += [
                ({"name": name, "url": reverse(name), "label": label, "count": None}, hint)
                for name, label, hint in self.ADMINISTRATION
                if name != "admin:index" or user.is_staff
            ]
        return super().get_context_data(cards=cards, **kwargs)


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


PICKED_MAX = 15  # households a picker lists for one search


class PersonSearchView(roles.RoleRequiredMixin, View):
    """The person picker's candidates (JSON): people of the user's region by name or ID number, masked."""

    allowed_roles = CASEWORKERS

    def get(self, request):
        query = _picker_query(request)
        if not isinstance(query, str):
            return query
        if not query:
            return JsonResponse({"results": [], "message": ""})
        try:
            people, more = services.search_people(by=request.user, query=query)
        except DomainError as exc:
            return JsonResponse({"results": [], "message": exc.message})
        return JsonResponse(
            {"results": [pickers.person_entry(p) for p in people], "message": _found_message(people, more)}
        )


class HouseholdSearchView(roles.RoleRequiredMixin, View):
    """The household picker's candidates (JSON): households of the user's region by head's name or address."""

    allowed_roles = CASEWORKERS

    def get(self, request):
        query = _picker_query(request)
        if not isinstance(query, str):
            return query
        if not query:
            return JsonResponse({"results": [], "message": ""})
        found = list(selectors.households_matching(request.user, query).order_by("number")[: PICKED_MAX + 1])
        households = found[:PICKED_MAX]
        return JsonResponse(
            {
                "results": [pickers.household_entry(h) for h in households],
                "message": _found_message(households, len(found) > PICKED_MAX),
            }
        )


def _picker_query(request) -> str | JsonResponse:
    """The picker's search text, or HTTP 400 with the reason (too long, a NUL character)."""
    if not request.GET.get("q", "").strip():
        return ""
    form = PersonSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"results": [], "message": " ".join(form.errors["q"])}, status=400)
    return form.cleaned_data["q"]


def _found_message(found, more: bool) -> str:
    if not found:
        return _("没有找到，请检查输入，或换用姓名、住址查找")
    if more:
        return _("只列出前 %(count)s 个结果，请输入更完整的内容") % {"count": len(found)}
    return ""


class HouseholdMemberRemoveView(roles.RoleRequiredMixin, View):
    allowed_roles = CASEWORKERS

    def post(self, request, pk, claimant_pk):
        household = selectors.get_household_for_user(user=request.user, household_id=pk)
        claimant = selectors.get_claimant_for_user(user=request.user, claimant_id=claimant_pk)
        if claimant.household_id == household.pk:
            services.set_membership(claimant=claimant, by=request.user, household=None)
            messages.success(request, _("已移出家庭"))
        return redirect(household)


class CertificationListView(_FilteredTableView):
    template_name = "claimants/certification_list.html"
    allowed_roles = roles.ALL_ROLES
    table_class = CertificationTable
    filterset_class = CertificationFilter

    def get_queryset(self):
        return selectors.certifications_visible_to(self.request.user).select_related("claimant")

    def get_table_kwargs(self):
        return {"today": selectors.today()}


class CertificationCreateView(_DomainFormView):
    template_name = "claimants/form.html"
    form_class = CertificationForm
    allowed_roles = IMPORTERS
    success_message = gettext_lazy("已认定")

    @cached_property
    def claimant(self):
        return selectors.get_claimant_for_user(user=self.request.user, claimant_id=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "claimant": self.claimant}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("身份认定：%(name)s") % {"name": self.claimant.name}, **kwargs
        )

    def perform(self, data):
        return services.certify(by=self.request.user, claimant=self.claimant, **data)

    def success_url_for(self, result):
        return self.claimant.get_absolute_url()


class CertificationRevokeView(_DomainFormView):
    template_name = "claimants/form.html"
    form_class = RevokeForm
    allowed_roles = IMPORTERS
    success_message = gettext_lazy("已撤销")

    @cached_property
    def certification(self):
        return selectors.get_certification_for_user(
            user=self.request.user, certification_id=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        c = self.certification
        title = _("撤销认定：%(name)s %(category)s") % {
            "name": c.claimant.name,
            "category": c.get_category_display(),
        }
        return super().get_context_data(title=title, **kwargs)

    def perform(self, data):
        return services.revoke_certification(certification=self.certification, by=self.request.user, **data)

    def success_url_for(self, result):
        return self.certification.claimant.get_absolute_url()


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
