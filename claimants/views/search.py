"""The pickers' searches (JSON): people and households of the user's region, for the person and household
pickers (``claimants.pickers``, ``static/js/picker.js``)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import View

from claimants import pickers, roles, selectors, services
from claimants.forms import PersonSearchForm
from claimants.views.base import CASEWORKERS
from core.errors import DomainError

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
