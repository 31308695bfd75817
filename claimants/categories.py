"""Identity categories (救助对象类别) per jurisdiction, and which department certifies each.

Codes and names follow ``shared/policy/RULES.md`` 1.2. The ranking lists implement 就高不就低
(「按照就高不就低原则纳入救助范围，避免重复救助」 [002:L35]) and SCENARIOS Clarifications 4 and 13:
the category applied to an episode is the highest-ranked one valid on any day of it.
This module is plain Python (names only marked for translation) so forms, imports and the policy engine's
tests can share it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy, gettext_noop

CIVIL_AFFAIRS = "civil_affairs"
RURAL_REVITALIZATION = "rural_revitalization"
DISABLED_PERSONS_FEDERATION = "civil_affairs"  # 残联 feeds arrive through civil affairs in this product
VETERANS_AFFAIRS = "civil_affairs"  # 退役军人 feeds likewise


@dataclass(frozen=True)
class Category:
    code: str
    name: str  # the Chinese name, as certification files spell it; also the translation's message id
    department: str

    @property
    def label(self) -> str:
        return gettext(self.name)


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("destitute", gettext_noop("特困人员"), CIVIL_AFFAIRS),
        Category("orphan", gettext_noop("孤儿"), CIVIL_AFFAIRS),
        Category("dibao", gettext_noop("低保对象"), CIVIL_AFFAIRS),
        Category("marginal", gettext_noop("低保边缘家庭成员"), CIVIL_AFFAIRS),
        Category("monitored_rural", gettext_noop("防止返贫监测对象"), RURAL_REVITALIZATION),
        Category("illness_impoverished", gettext_noop("因病致贫重病患者"), CIVIL_AFFAIRS),
        Category("other_special", gettext_noop("其他特殊困难人员"), CIVIL_AFFAIRS),
        Category("beijing_returned_youth_disabled", gettext_noop("因公(病)致残返城知青"), CIVIL_AFFAIRS),
        Category("beijing_downsized_1960s_worker", gettext_noop("60年代初精减退职老职工"), CIVIL_AFFAIRS),
        Category("beijing_hardship_subsidy", gettext_noop("生活困难补助人员"), CIVIL_AFFAIRS),
        Category("beijing_low_income", gettext_noop("城乡低收入家庭救助人员"), CIVIL_AFFAIRS),
        Category("tianjin_severe_disability", gettext_noop("重度残疾人"), DISABLED_PERSONS_FEDERATION),
        Category("tianjin_special_care", gettext_noop("优抚对象（医疗补助人员）"), VETERANS_AFFAIRS),
    )
}

# Highest first. Equal ranks (Mianyang destitute = orphan) keep the order in which the visit reports them.
RANKING: dict[str, tuple[str, ...]] = {
    "national": (
        "destitute",
        "dibao",
        "monitored_rural",
        "marginal",
        "illness_impoverished",
        "other_special",
    ),
    "mianyang": (
        "destitute",
        "orphan",
        "dibao",
        "monitored_rural",
        "marginal",
        "illness_impoverished",
        "other_special",
    ),
    "beijing": (
        "destitute",
        "beijing_returned_youth_disabled",
        "beijing_downsized_1960s_worker",
        "dibao",
        "beijing_hardship_subsidy",
        "beijing_low_income",
        "illness_impoverished",
    ),
    "tianjin": (
        "destitute",
        "dibao",
        "tianjin_severe_disability",
        "marginal",
        "illness_impoverished",
        "tianjin_special_care",
        "other_special",
    ),
}

JURISDICTION_LABELS = {
    "national": "国家指导意见",
    "mianyang": "绵阳市",
    "beijing": "北京市",
    "tianjin": "天津市",
}


def categories_of(jurisdiction: str) -> tuple[str, ...]:
    return RANKING[jurisdiction]


def category_choices(jurisdiction: str | None = None) -> list[tuple[str, str]]:
    codes = RANKING[jurisdiction] if jurisdiction else tuple(CATEGORIES)
    return [(code, gettext_lazy(CATEGORIES[code].name)) for code in codes]


def label_of(category: str | None) -> str:
    """The category's name in the page's language; "" for none, and a code no longer known as it is."""
    known = CATEGORIES.get(category) if category else None
    return known.label if known else (category or "")


def certifying_department(category: str) -> str:
    return CATEGORIES[category].department


def best_category(jurisdiction: str, held: set[str] | frozenset[str]) -> str | None:
    """The highest-ranked of the categories held (就高不就低), or None when none is held."""
    for code in RANKING[jurisdiction]:
        if code in held:
            return code
    return None
