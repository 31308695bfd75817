"""A certification (身份认定) in force on a day, written once for the ORM and for raw SQL.

In force on ``day``: active (not revoked), ``valid_from`` on or before the day and ``valid_to`` empty or on
or after it. Expired is never stored: it is an active row whose ``valid_to`` has passed (shown as such).
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CertificationStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")
    # Displayed only (``Certification.status_on``): a row is stored active or revoked.
    EXPIRED = "expired", _("已到期")


def in_force_on(day: dt.date, prefix: str = "") -> Q:
    """The rule as a filter on Certification, or on a relation to it (``prefix`` like ``"certifications__"``)."""
    return Q(**{f"{prefix}status": CertificationStatus.ACTIVE, f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def in_force_sql(alias: str, day: str, until: str | None = None) -> str:
    """The rule as an SQL condition on the certification table aliased ``alias`` (or named: the table's
    name). ``day`` is the day's placeholder as the statement writes it (``%(day)s``; a positional ``%s``
    takes the day twice). With ``until``, in force on some day from ``day`` to ``until`` (a year's
    certifications: ``until``'s value comes first in the parameters). ``NOT (…)`` is the opposite."""
    return (
        f"{alias}.status = '{CertificationStatus.ACTIVE.value}' AND {alias}.valid_from <= {until or day}"
        f" AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= {day})"
    )
