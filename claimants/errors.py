"""The codes of claimants' refusals (``core.errors.DomainError``); tests assert the code, the UI shows the label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimantError(models.TextChoices):
    INVALID_ID_NUMBER = "invalid_id_number", _("身份证号无效：{detail}")
    DUPLICATE_ID_NUMBER = "duplicate_id_number", _("该身份证号已在您的管辖范围内登记：{id_number}")
    # The same words whoever holds the number elsewhere: a registration form is not a lookup of other cities.
    ID_NUMBER_UNAVAILABLE = (
        "id_number_unavailable",
        _("该身份证号不能在您的管辖范围内登记，请与上级经办机构核实"),
    )
    REGION_OUTSIDE_JURISDICTION = "region_outside_jurisdiction", _("区划不在您的管辖范围内")
    NOT_A_TOWNSHIP = "not_a_township", _("户籍所在地须选择乡镇（街道）")
    CATEGORY_NOT_IN_JURISDICTION = "category_not_in_jurisdiction", _("该地区没有此救助对象类别：{category}")
    VALID_TO_BEFORE_FROM = "valid_to_before_from", _("有效期止不能早于有效期起")
    NO_JURISDICTION = "no_jurisdiction", _("户籍所在地未关联政策适用地")
    ALREADY_REVOKED = "already_revoked", _("该认定已撤销")
    NOT_CERTIFYING_DEPARTMENT = "not_certifying_department", _("此类别不由您的部门认定：{category}")
    OVERLAPPING_CERTIFICATION = "overlapping_certification", _("与已有的同类别认定有效期重叠")
    HOUSEHOLD_OUTSIDE_REGION = "household_outside_region", _("家庭不在户籍所在地")
    HOUSEHOLD_HAS_HEAD = "household_has_head", _("该家庭已有户主")
    ID_SEARCH_WHOLE_NUMBER = (
        "id_search_whole_number",
        _("按身份证号查询请输入完整的18位号码；按姓名查询请输入汉字"),
    )
    ID_FRAGMENT_TOO_SHORT = (
        "id_fragment_too_short",
        _("按身份证号查询请至少输入{minimum}位（如号码的后{minimum}位）；按姓名查询请输入汉字"),
    )
    FULL_ID_NOT_ALLOWED = "full_id_not_allowed", _("您的角色不能查看完整身份证号")
    NAME_CHARACTERS = "name_characters", _("姓名中有不可见或控制字符（{char}），请重新输入")
    INVALID_PHONE = (
        "invalid_phone",
        _("联系电话应为11位手机号（如 13812345678）或带区号的固定电话（如 0816-2345678）"),
    )
    IMPLAUSIBLE_DATE = "implausible_date", _("{field}须在 2000-01-01 至 {latest} 之间")


class ImportBatchError(models.TextChoices):
    UNREADABLE_FILE = "unreadable_file", _("无法读取文件：{detail}")
    FILE_TOO_LARGE = "file_too_large", _("文件过大：每个文件不超过 {limit} MB，请分批导入")
    TOO_MANY_ROWS = "too_many_rows", _("行数过多：每个文件不超过 {limit} 行，请分批导入")
    MISSING_COLUMNS = "missing_columns", _("缺少必需的列：{columns}")
    EMPTY_FILE = "empty_file", _("文件中没有数据行")
    NOT_STAGED = "not_staged", _("该批次已确认或已放弃")
    UNKNOWN_KIND = "unknown_kind", _("未知的导入类型：{kind}")
