"""Pickers: a person or a household chosen by a search of what a caseworker knows (a name, an address, part of
an ID number), never by typing a record's number. The widget holds the chosen key in a hidden input beside a
search box; ``static/js/picker.js`` lists the candidates the search views answer
(``claimants.views.search``)."""

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from claimants import idnumbers
from claimants.models import Claimant, Household


def person_entry(person: Claimant) -> dict:
    """A candidate as a picker and the applicant search show it: name, masked number, birth year, township,
    household."""
    detail = [_("%(year)s年生") % {"year": person.birth_year}, person.hukou_region.name]
    if person.household_id:
        detail.append(_("户编号 %(number)s") % {"number": person.household.number})
    return {
        "id": person.pk,
        "label": f"{person.name}（{person.masked_id_number}）",
        "detail": " · ".join(detail),
    }


def household_entry(household: Household) -> dict:
    """A household as a picker shows it (``selectors.households_for_picker`` rows): its head, address,
    number and size."""
    if household.head_name:
        head = _("户主 %(name)s（%(id_number)s）") % {
            "name": household.head_name,
            "id_number": idnumbers.mask(household.head_id_number),
        }
    else:
        head = _("户主未登记")
    detail = [household.address or household.region.name, household.number]
    detail.append(_("%(count)s人") % {"count": household.member_count})
    return {"id": household.pk, "label": head, "detail": " · ".join(detail)}


class PickerWidget(forms.HiddenInput):
    """The chosen key (hidden) and a search box listing candidates from ``url``; ``describe(key)`` gives the
    entry of a key already chosen (initial, or sent back with a form error)."""

    template_name = "claimants/_picker.html"

    def __init__(self, *, url, describe, placeholder, attrs=None):
        super().__init__(attrs)
        self.url, self.describe, self.placeholder = url, describe, placeholder

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        entry = self.describe(int(value)) if str(value).isdigit() else None  # a forged key describes nothing
        context["picker"] = {"url": self.url, "chosen": entry, "placeholder": self.placeholder}
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template directory, which Django's default form renderer does not search; the
        # template engine escapes the values and returns safe markup.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))
