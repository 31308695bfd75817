"""The application kinds (申请类型) the installed jurisdiction packages declare, as the case workflow reads them.

Each kind is declared once, by the package that offers it (``Jurisdiction.case_kinds``; the common ones in
``jurisdictions.catalogue``). The model's choices are a callable, so adding a package that declares a kind
needs no migration.
"""

from django.utils.translation import gettext_lazy as _

from jurisdictions import registry
from jurisdictions.catalogue import CERTIFICATION, REIMBURSEMENT
from jurisdictions.spec import SETTLE_VISITS, ApplicationKindSpec

__all__ = [
    "CERTIFICATION",
    "REIMBURSEMENT",
    "get",
    "kind_choices",
    "kinds_of",
    "offered",
    "settles_visits",
    "settling",
]


def kind_choices() -> list[tuple[str, str]]:
    """Every installed application kind, code and translated name (the ``kind`` column's choices)."""
    return [(code, _(kind.name)) for code, kind in registry.application_kinds().items()]


def kinds_of(jurisdiction: str) -> list[tuple[str, str]]:
    """The kinds a person of ``jurisdiction`` may register, code and translated name: common ones first."""
    return [(kind.code, _(kind.name)) for kind in registry.application_kinds_of(jurisdiction)]


def get(code: str) -> ApplicationKindSpec | None:
    """The declaration of an installed kind, or None for a code no installed package declares."""
    return registry.application_kinds().get(code)


def offered(code: str, jurisdiction: str) -> ApplicationKindSpec | None:
    """The declaration of ``code`` if a person of ``jurisdiction`` may register it, else None."""
    return next((kind for kind in registry.application_kinds_of(jurisdiction) if kind.code == code), None)


def settling() -> tuple[str, ...]:
    """The kinds whose review settles the covered visits itself: a visit settled already is assisted."""
    return tuple(
        code for code, kind in registry.application_kinds().items() if kind.assessment == SETTLE_VISITS
    )


def settles_visits(code: str) -> bool:
    """Whether the review settles the covered visits itself (so a visit settled already is assisted)."""
    kind = get(code)
    return kind is not None and kind.assessment == SETTLE_VISITS
