"""Whole numbers read from query strings and form posts (ids, page sizes).

``str.isdigit`` accepts characters such as ``²`` that ``int`` refuses, and a row id beyond a 64-bit
integer makes the database refuse the query: every number a request carries goes through here, and what
is not a positive number of ASCII digits in range reads as absent.
"""

from collections.abc import Iterable

MAX_ID = 2**63 - 1


def positive_int(value, *, maximum: int = MAX_ID) -> int | None:
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19):
        return None
    number = int(value)
    return number if 0 < number <= maximum else None


def positive_ints(values: Iterable) -> list[int]:
    return [number for number in map(positive_int, values) if number is not None]
