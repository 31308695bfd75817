"""Identity categories (救助对象类别) per jurisdiction, and which department certifies each, as the installed
jurisdiction packages declare them (``jurisdictions``).

The ranking implements 就高不就低 (「按照就高不就低原则纳入救助范围，避免重复救助」 [002:L35]) as a
tie-break: SCENARIOS Clarification 22 settles each visit under the category that leaves the smallest
burden, and Clarifications 4 and 13 order the rest. Names are message ids, shown in the page's language.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from jurisdictions import registry


@dataclass(frozen=True)
class Category:
    code: str
    name: str  # the Chinese name, as certification files spell it; also the translation's message id
    department: str

    @property
    def label(self) -> str:
        return gettext(self.name)


class _Installed(Mapping[str, Category]):
    """Code -> category of the installed jurisdictions, read when asked (the registry may be reconfigured)."""

    def __getitem__(self, code: str) -> Category:
        spec = registry.categories()[code]
        return Category(spec.code, spec.name, spec.department)

    def __iter__(self) -> Iterator[str]:
        return iter(registry.categories())

    def __len__(self) -> int:
        return len(registry.categories())


CATEGORIES: Mapping[str, Category] = _Installed()


def categories_of(jurisdiction: str) -> tuple[str, ...]:
    return registry.get(jurisdiction).ranking


def category_choices(jurisdiction: str | None = None) -> list[tuple[str, str]]:
    codes = categories_of(jurisdiction) if jurisdiction else tuple(registry.categories())
    return [(code, gettext_lazy(registry.categories()[code].name)) for code in codes]


def label_of(category: str | None) -> str:
    """The category's name in the page's language; "" for none, and a code no longer known as it is."""
    known = registry.categories().get(category) if category else None
    return gettext(known.name) if known else (category or "")


def certifying_department(category: str) -> str:
    return registry.categories()[category].department


def best_category(jurisdiction: str, held: set[str] | frozenset[str]) -> str | None:
    """The highest-ranked of the categories held (就高不就低), or None when none is held."""
    for code in categories_of(jurisdiction):
        if code in held:
            return code
    return None
