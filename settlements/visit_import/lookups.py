"""What a validation reads besides the file, and the digest of it that a commit compares."""

import hashlib
import json

from django.db import connection
from django.utils import timezone

from claimants.imports import (
    AnyOf,
)
from claimants.models import Claimant, Region, User
from settlements.models import PolicyYear, Visit

CHUNK = 5000


# What a validation reads besides the file, one query each (PostgreSQL: any number of keys as one array
# parameter; elsewhere in chunks of ``CHUNK``).
def _chunks(values: list[str]) -> list[list[str]]:
    if connection.vendor == "postgresql":
        return [values] if values else []
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _among(queryset, field: str, values: list[str]):
    if connection.vendor == "postgresql":
        return queryset.filter(AnyOf(field, values))
    return queryset.filter(**{f"{field}__in": values})


def _people(numbers: list[str]) -> dict[str, dict]:
    fields = ("id", "id_number", "name", "hukou_region_id", "hukou_region__jurisdiction", "scheme")
    return {
        person["id_number"]: person
        for chunk in _chunks(numbers)
        for person in _among(Claimant.objects.all(), "id_number", chunk).values(*fields)
    }


def _stored(refs: list[str]) -> set[str]:
    return {
        ref
        for chunk in _chunks(refs)
        for ref in _among(Visit.objects.all(), "settlement_ref", chunk).values_list(
            "settlement_ref", flat=True
        )
    }


def _policy_years() -> set[tuple[str, int]]:
    return set(PolicyYear.objects.values_list("jurisdiction", "year"))


def _places(codes: list[str]) -> dict[str, Region]:
    """The regions named by the rows of people not yet known (hukou and insured place), in one query."""
    levels = (Region.Level.COUNTY, Region.Level.TOWNSHIP)
    return {region.code: region for region in Region.objects.filter(code__in=codes, level__in=levels)}


def _digest(people: dict, years: set, places: dict, *, by: User) -> str:
    """What the outcome of a validation depends on besides the file and the ``setl_id``s stored (which only
    grow, and which the write checks itself): the people, the policy years, the places of new people, the
    user's region and the day (no visit date after today)."""
    read = [
        sorted(tuple(map(str, person.values())) for person in people.values()),
        sorted(years),
        sorted((r.code, r.level, r.jurisdiction) for r in places.values()),
        by.region_id,
        timezone.localdate().isoformat(),
    ]
    return hashlib.sha256(json.dumps(read, ensure_ascii=False).encode()).hexdigest()
