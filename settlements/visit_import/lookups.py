"""What a validation reads besides the file, and the digest of it that a commit compares."""

import hashlib
import json

from django.utils import timezone

from claimants.imports import probe
from claimants.models import Claimant, Region, User
from settlements.models import PolicyYear, Visit


# What a validation reads besides the file, one query each (``probe``: the file's keys as one array parameter,
# each looked up by its index).
def _people(numbers: list[str]) -> dict[str, dict]:
    fields = ("id", "id_number", "name", "hukou_region_id", "hukou_region__jurisdiction", "scheme")
    return {
        person["id_number"]: person
        for person in probe(Claimant.objects.values(*fields), "id_number", numbers)
    }


def _stored(refs: list[str]) -> set[str]:
    return {
        row["settlement_ref"] for row in probe(Visit.objects.values("settlement_ref"), "settlement_ref", refs)
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
