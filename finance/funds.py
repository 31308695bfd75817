"""Fund accounts: which funds a jurisdiction has and the region an amount is booked to.

Every jurisdiction has 医疗救助基金 (the common fund) and the funds its package declares (Tianjin:
其他重度残疾人医疗救助资金, 优抚对象医疗补助资金). Money is booked per *account*, a fund in a region: the
jurisdiction's own region (市级统筹: the city, or the municipality), or, where the package keeps district
sub-accounts (``Jurisdiction.district_accounts``, Beijing's 市级统筹、分账核算), the county-level district.
Regions no package claims are pooled per city.
"""

from django.utils.translation import gettext as _

from claimants.models import Region, User
from jurisdictions import registry
from jurisdictions.catalogue import COMMON_FUNDS, MEDICAL_ASSISTANCE_FUND

CITY_CODE_LENGTH = 4
COUNTY_CODE_LENGTH = 6


def funds_of(jurisdiction: str) -> dict[str, str]:
    """Fund code -> translated name, for one jurisdiction: the common fund, then its own."""
    own = registry.get(jurisdiction).own_funds if jurisdiction in registry.codes() else ()
    return {code: _(name) for code, name in (*COMMON_FUNDS, *own)}


def fund_name(code: str) -> str:
    name = registry.funds().get(code)
    return _(name) if name else code


def settlement_fund(fund: str) -> str:
    """The fund that pays a settlement's assistance; settlements made before the fund was recorded are
    the common fund's."""
    return fund or MEDICAL_ASSISTANCE_FUND


def account_region(code: str) -> str:
    """The account region of a division code (a person's insured place, a user's region)."""
    jurisdiction = registry.get(registry.jurisdiction_of_region(code))
    if jurisdiction.district_accounts:
        return code[:COUNTY_CODE_LENGTH] if len(code) >= COUNTY_CODE_LENGTH else code
    roots = [root for root in jurisdiction.region_roots if code.startswith(root)]
    if roots:
        return max(roots, key=len)
    return code[:CITY_CODE_LENGTH]


def is_account(code: str) -> bool:
    """Whether ``code`` is the region of a fund account (a district where the funds keep sub-accounts)."""
    district = registry.get(registry.jurisdiction_of_region(code)).district_accounts
    return account_region(code) == code and (not district or len(code) == COUNTY_CODE_LENGTH)


def accounts_visible_to(user: User) -> list[Region]:
    """The account regions inside the user's region (a county user of a city-pooled fund has none)."""
    code = user.region_id or ""
    if not code:
        return []
    jurisdiction = registry.get(registry.jurisdiction_of_region(code))
    if jurisdiction.district_accounts and len(code) < COUNTY_CODE_LENGTH:
        level = Region.Level.COUNTY
    elif not jurisdiction.region_roots and len(code) < CITY_CODE_LENGTH:
        level = Region.Level.CITY
    else:
        own = account_region(code)
        return list(Region.objects.filter(code=own)) if own.startswith(code) else []
    return list(
        Region.objects.filter(code__startswith=code, level=level, is_statistical_zone=False).order_by("code")
    )


def jurisdiction_of(region_code: str) -> str:
    return registry.jurisdiction_of_region(region_code)
