"""What a validation reads besides the file, and the digest of it that a commit compares."""

import hashlib
import json

from django.db import connection
from django.utils import timezone

from claimants.imports import AnyOf, array_parameter
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


# The file's setl_ids that are stored: one probe of the unique index each, whatever the planner would guess.
# As ``settlement_ref = ANY(<100,000 keys>)`` PostgreSQL estimated 100,000 probes dearer than reading the whole
# table whose new pages were not yet all-visible, and scanned every visit in three parallel processes for each
# file staged (0.7 s on 10,000,000 visits, against 0.16 s of probes in one). A LIMIT in a LATERAL subquery keeps
# it a nested loop over the index. No JIT: its compiling cost more than the probes.
STORED_SQL = (
    "SELECT r.ref FROM unnest({keys}) AS r(ref) CROSS JOIN LATERAL "
    "(SELECT FROM {table} v WHERE v.{column} = r.ref LIMIT 1) AS stored"
)


def _stored(refs: list[str]) -> set[str]:
    if connection.vendor != "postgresql":
        return {
            ref
            for chunk in _chunks(refs)
            for ref in _among(Visit.objects.all(), "settlement_ref", chunk).values_list(
                "settlement_ref", flat=True
            )
        }
    if not refs:
        return set()
    placeholder, keys = array_parameter(refs)
    sql = STORED_SQL.format(
        keys=placeholder, table=Visit._meta.db_table, column=Visit._meta.get_field("settlement_ref").column
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, [keys])
        return {ref for (ref,) in cursor.fetchall()}


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
