"""Forms validate input only; views pass the cleaned data to a service. Region choosers list only the
user's subtree."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from claimants import categories, idnumbers, pickers, roles, selectors, validators
from claimants.errors import ClaimantError
from claimants.models import Claimant, InsuranceScheme, Relation
from core.regions import TOWNSHIP_CODE_LENGTH


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name if obj.parent_id else ''} {obj.name}（{obj.code}）"


class _Bootstrap:
    def _style(self):
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)


class FullExportForm(_Bootstrap, forms.Form):
    """Why a list is exported with full ID numbers: written to the audit log with the people exported."""

    purpose = forms.CharField(
        label=_("导出用途"),
        min_length=4,
        max_length=200,
        help_text=_("例如：与医保信息平台核对2024年3月结算名单"),
    )
    format = forms.ChoiceField(label=_("文件格式"), choices=(("xlsx", "XLSX"), ("csv", "CSV")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ClaimantForm(_Bootstrap, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, min_length=18)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    hukou_region = RegionChoiceField(label=_("户籍所在地"), queryset=None)
    insured_region = RegionChoiceField(label=_("参保地"), queryset=None)
    residence = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    scheme = forms.ChoiceField(label=_("参保类型"), choices=InsuranceScheme.choices)
    household = forms.ModelChoiceField(label=_("家庭"), queryset=None, required=False)
    relation_to_head = forms.ChoiceField(
        label=_("与户主关系"), choices=[("", "—"), *Relation.choices], required=False
    )

    def clean_phone(self):
        phone = validators.normalized_phone(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(ClaimantError.INVALID_PHONE.label)
        return phone

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        townships = selectors.townships_visible_to(user).order_by("code")
        for name in ("hukou_region", "insured_region"):
            self.fields[name].queryset = townships
            self.fields[name].empty_label = "—"
            if user.region_id and len(user.region_id) == TOWNSHIP_CODE_LENGTH:
                self.fields[name].initial = user.region_id  # a township caseworker registers their own
        households = selectors.households_for_picker(user)
        self.fields["household"].queryset = households
        self.fields["household"].widget = household_picker(households)
        if editing:
            del self.fields["id_number"]
        self._style()

    def clean_id_number(self):
        try:
            return idnumbers.parse(self.cleaned_data["id_number"]).number
        except idnumbers.InvalidIdNumber as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if data.get("household") and not data.get("relation_to_head"):
            self.add_error("relation_to_head", _("请选择与户主关系"))
        return data


def household_picker(households) -> pickers.PickerWidget:
    """The household chosen by its head's name or its address (the number is the system's, not typed)."""
    return pickers.PickerWidget(
        url=reverse_lazy("claimants:household_search"),
        describe=lambda pk: next(map(pickers.household_entry, households.filter(pk=pk)), None),
        placeholder=_("输入户主姓名或住址查找家庭"),
    )


def person_picker(people) -> pickers.PickerWidget:
    return pickers.PickerWidget(
        url=reverse_lazy("claimants:person_search"),
        describe=lambda pk: next(
            map(pickers.person_entry, people.filter(pk=pk).select_related("hukou_region", "household")), None
        ),
        placeholder=_("输入姓名或身份证号（可输入后几位）查找"),
    )


class PersonSearchForm(_Bootstrap, forms.Form):
    """The search of a person by name, whole ID number or part of it (``services.search_people``)."""

    q = forms.CharField(
        label=_("姓名或身份证号"),
        max_length=50,
        help_text=_("可输入姓名的一部分，或身份证号的至少4位（如后4位）"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["q"].widget.attrs.update(autofocus=True, placeholder=_("如：张伟 或 0034"))


class HouseholdForm(_Bootstrap, forms.Form):
    """建户: the household number is given by ``services.create_household``."""

    region = RegionChoiceField(label=_("户籍所在地"), queryset=None)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.townships_visible_to(user).order_by("code")
        if editing:
            del self.fields["region"]
        self._style()


class MemberForm(_Bootstrap, forms.Form):
    """Add a registered person of the user's region to a household, chosen by name or ID number."""

    claimant = forms.ModelChoiceField(
        label=_("成员"), queryset=None, error_messages={"required": _("请先查找并选择成员")}
    )
    relation_to_head = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.claimants_visible_to(user).filter(origin=Claimant.Origin.REGISTERED)
        self.fields["claimant"].queryset = people
        self.fields["claimant"].widget = person_picker(people)
        self._style()


class CertificationForm(_Bootstrap, forms.Form):
    category = forms.ChoiceField(label=_("认定类别"))
    certificate_number = forms.CharField(label=_("证书编号"), max_length=64, required=False)
    valid_from = forms.DateField(label=_("有效期起"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("有效期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args, user, claimant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (code, label)
            for code, label in categories.category_choices(claimant.jurisdiction)
            if roles.may_certify(user, code)
        ]
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("有效期止不能早于有效期起"))
        return data


class RevokeForm(_Bootstrap, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ImportUploadForm(_Bootstrap, forms.Form):
    file = forms.FileField(label=_("文件（XLSX 或 CSV）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件"))
        if upload.size > settings.JIUZHU_IMPORT_MAX_BYTES:  # before a byte of it is read
            raise forms.ValidationError(
                _("文件过大：每个文件不超过 %(limit)s MB，请分批导入")
                % {"limit": settings.JIUZHU_IMPORT_MAX_BYTES // 2**20}
            )
        return upload
