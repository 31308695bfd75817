"""The identity categories every jurisdiction may use (RULES 1.2), with the department that certifies each.

Names are as certification files spell them; a jurisdiction's text may name a category otherwise (its
``policy.CATEGORY_NAMES``). Categories of one city only are declared by its package (``local_categories``).
"""

from jurisdictions.spec import CIVIL_AFFAIRS, OTHER_SPECIAL, RURAL_REVITALIZATION, CategorySpec, gettext_noop

COMMON_CATEGORIES = (
    CategorySpec("destitute", gettext_noop("特困人员"), CIVIL_AFFAIRS),
    CategorySpec("orphan", gettext_noop("孤儿"), CIVIL_AFFAIRS),
    CategorySpec("dibao", gettext_noop("低保对象"), CIVIL_AFFAIRS),
    CategorySpec("marginal", gettext_noop("低保边缘家庭成员"), CIVIL_AFFAIRS),
    CategorySpec("monitored_rural", gettext_noop("防止返贫监测对象"), RURAL_REVITALIZATION),
    CategorySpec("illness_impoverished", gettext_noop("因病致贫重病患者"), CIVIL_AFFAIRS),
    CategorySpec(OTHER_SPECIAL, gettext_noop("其他特殊困难人员"), CIVIL_AFFAIRS),
)

MEDICAL_ASSISTANCE_FUND = "medical_assistance"
COMMON_FUNDS = ((MEDICAL_ASSISTANCE_FUND, gettext_noop("医疗救助基金")),)
# The code of regular assistance, the first tier of every jurisdiction (``Jurisdiction.tiers``).
REGULAR_TIER = "medical_assistance"
