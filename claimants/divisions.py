"""Load the administrative-division tree from ``shared/data/divisions`` (统计用区划代码, 2023).

Codes: province 2 digits, city 4, county 6, township 9. A region belongs to the jurisdiction package whose
region roots it falls under (Mianyang 5107, Beijing 11, Tianjin 12); every other region follows the national
guideline.
County codes whose fifth digit is 7 are statistical zones (开发区, 园区): flagged, not rejected.
"""

import csv
from pathlib import Path

from django.db import transaction

from claimants.models import Region
from jurisdictions import registry

FILES = (
    ("provinces.csv", Region.Level.PROVINCE, None),
    ("cities.csv", Region.Level.CITY, "provinceCode"),
    ("areas.csv", Region.Level.COUNTY, "cityCode"),
    ("streets.csv", Region.Level.TOWNSHIP, "areaCode"),
)


@transaction.atomic
def load_divisions(directory: Path, *, only: tuple[str, ...] = ()) -> int:
    """Insert or refresh every region under the ``only`` code prefixes (all of China when empty)."""

    def wanted(code: str) -> bool:
        return not only or any(code.startswith(p) or p.startswith(code) for p in only)

    rows: list[Region] = []
    for filename, level, parent_column in FILES:
        with (directory / filename).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = row["code"]
                if not wanted(code):
                    continue
                rows.append(
                    Region(
                        code=code,
                        name=row["name"],
                        level=level,
                        parent_id=row[parent_column] if parent_column else None,
                        jurisdiction=registry.jurisdiction_of_region(code),
                        is_statistical_zone=level == Region.Level.COUNTY and code[4] == "7",
                    )
                )
    Region.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent", "jurisdiction", "is_statistical_zone"],
    )
    return len(rows)
