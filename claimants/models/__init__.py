"""People, households, regions, departments, staff and identity certifications (身份认定) (``people``); the
audit log and import batches (``records``). Every model and choice is importable from here, as Django and
the migrations name them."""

from claimants.models.people import (
    Certification,
    Claimant,
    Household,
    InsuranceScheme,
    Region,
    Relation,
    Sex,
    User,
    category_choices,
    jurisdiction_choices,
)
from claimants.models.records import (
    AppendOnlyError,
    AppendOnlyQuerySet,
    AuditLog,
    ImportBatch,
)

__all__ = [
    "AppendOnlyError",
    "AppendOnlyQuerySet",
    "AuditLog",
    "Certification",
    "Claimant",
    "Household",
    "ImportBatch",
    "InsuranceScheme",
    "Region",
    "Relation",
    "Sex",
    "User",
    "category_choices",
    "jurisdiction_choices",
]
