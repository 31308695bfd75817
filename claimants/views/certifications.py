"""Pages of the certifications (救助身份认定): the list, certifying a person, revoking a certification."""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claimants import roles, selectors, services
from claimants.filters import CertificationFilter
from claimants.forms import CertificationForm, RevokeForm
from claimants.tables import CertificationTable
from claimants.views.base import IMPORTERS, _DomainFormView, _FilteredTableView


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
