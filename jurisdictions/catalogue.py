"""The identity categories every jurisdiction may use (RULES 1.2), with the department that certifies each,
the common funds and the application kinds every jurisdiction offers.

Names are as certification files spell them; a jurisdiction's text may name a category otherwise (its
``policy.CATEGORY_NAMES``). Categories of one city only are declared by its package (``local_categories``).
"""

from jurisdictions.spec import (
    CIVIL_AFFAIRS,
    OTHER_SPECIAL,
    RURAL_REVITALIZATION,
    ApplicationKindSpec,
    CategorySpec,
    gettext_noop,
)

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

# The application kinds every jurisdiction offers (依申请救助, NAT-18); a package adds its own (``case_kinds``).
REIMBURSEMENT = "reimbursement"
CERTIFICATION = "certification"
COMMON_APPLICATION_KINDS = (
    # Costs paid in advance where the one-stop settlement did not happen: each covered visit is settled.
    ApplicationKindSpec(
        REIMBURSEMENT,
        gettext_noop("垫付费用报销（未“一站式”结算）"),
        visits_required=True,
        for_direct_categories=True,
    ),
    # A request to be certified in an identity; the visits it covers are settled once certified.
    ApplicationKindSpec(CERTIFICATION, gettext_noop("救助身份认定申请"), category_required=True),
)
