"""The region subtree (辖区): what a member of staff sees and may act on is their region and everything under it.

Region codes encode the tree (province 2 digits, city 4, county 6, township 9), so "in the subtree" is a
prefix match on the code, and a filter on a foreign key to Region needs no join.
"""

from typing import Any, Protocol

TOWNSHIP_CODE_LENGTH = 9


class Placed(Protocol):
    """A member of staff: the code of their region, empty for none."""

    @property
    def region_id(self) -> str | None: ...


def in_region(region_code: str, user: Placed) -> bool:
    """Whether the region ``region_code`` lies in ``user``'s subtree; a user without a region has none."""
    return bool(user.region_id) and region_code.startswith(user.region_id or "")


def region_lookup(field: str, code: str) -> dict[str, Any]:
    """Rows whose region ``field`` (a foreign key to Region) lies in the subtree of the region ``code``.

    A township (the lowest level) is its whole subtree, so it is matched exactly, which lets an index on
    (region, id) serve the list's order too.
    """
    if len(code) >= TOWNSHIP_CODE_LENGTH:
        return {field: code}
    return {f"{field}__code__startswith": code}


def region_filter(user: Placed, field: str) -> dict[str, Any]:
    """The lookup that keeps rows whose region ``field`` lies in the user's subtree (the start of every list,
    detail and export); a user without a region sees no row."""
    return region_lookup(field, user.region_id or "-")
