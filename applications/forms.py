"""Forms validate input only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications import kinds, selectors
from applications.models import APPLICABLE_CATEGORIES, ApplicationDocument
from claimants import categories

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RegisterForm(StyledForm):
    kind = forms.ChoiceField(label=_("申请类型"), choices=kinds.kind_choices)
    requested_category = forms.ChoiceField(label=_("申请认定类别"), required=False)
    visits = forms.ModelMultipleChoiceField(
        label=_("申请救助的就医记录"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    statement = forms.CharField(
        label=_("申请事由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    submitted_on = forms.DateField(label=_("申请日期"), widget=DATE)

    def __init__(self, *args, claimant, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds.kinds_of(claimant.jurisdiction)
        codes = [c for c in categories.categories_of(claimant.jurisdiction) if c in APPLICABLE_CATEGORIES]
        self.fields["requested_category"].choices = [("", "—")] + [
            (c, categories.CATEGORIES[c].label) for c in codes
        ]
        self.fields["visits"].queryset = visits


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("理由或说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ResubmitForm(ReasonForm):
    """补正后重新提交: what was corrected, and the visits the corrected application covers."""

    visits = forms.ModelMultipleChoiceField(
        label=_("申请救助的就医记录"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visits"].queryset = selectors.claimable_visits(application.claimant)
        self.fields["visits"].initial = list(application.covered_visits.values_list("visit_id", flat=True))


class OptionalReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ReferForm(OptionalReasonForm):
    category = forms.ChoiceField(label=_("需认定的类别"), required=False)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        codes = [
            c
            for c in categories.categories_of(application.claimant.jurisdiction)
            if c in APPLICABLE_CATEGORIES
        ]
        self.fields["category"].choices = [("", "—")] + [(c, categories.CATEGORIES[c].label) for c in codes]
        self.fields["category"].initial = application.requested_category


class CertifyForm(StyledForm):
    category = forms.ChoiceField(label=_("认定类别"))
    valid_from = forms.DateField(label=_("有效期起"), widget=DATE)
    valid_to = forms.DateField(label=_("有效期止"), widget=DATE, required=False)
    certificate_number = forms.CharField(label=_("证书编号"), max_length=64, required=False)
    reason = forms.CharField(label=_("认定意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, application, department: str, **kwargs):
        super().__init__(*args, **kwargs)
        codes = [
            c
            for c in categories.categories_of(application.claimant.jurisdiction)
            if categories.certifying_department(c) == department
        ]
        self.fields["category"].choices = [(c, categories.CATEGORIES[c].label) for c in codes]
        self.fields["category"].initial = application.requested_category

    def clean(self):
        data = super().clean()
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("有效期止不能早于有效期起"))
        return data


class DocumentForm(StyledForm):
    kind = forms.ChoiceField(label=_("材料类型"), choices=ApplicationDocument.Kind.choices)
    file = forms.FileField(label=_("文件（PDF、JPEG、PNG）"))
