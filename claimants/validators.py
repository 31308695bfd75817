"""Plausibility checks every way in shares (forms, imports, API, services): a person's name, and dates.

A name is what is printed on a statement and matched against other departments' lists, so it holds only
visible characters: no control characters, no zero-width characters (which make two equal-looking
names different), no bidirectional overrides (U+202E turns 「张三=1」 into something else on screen).

Dates of the work (certifications, visits, applications, monthly periods) lie between 2000-01-01 (before
any of the medical-assistance texts) and 2099-12-31; a date that records something that happened
(admission, discharge, an application handed in) is not after today. 0001-01-01 or 9999-12-31 is a slip,
not a record.
"""

import datetime as dt
import re
import unicodedata

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def name_problem(name: str) -> str | None:
    """None for a plausible name; else the offending character, as ``U+XXXX``."""
    for char in name:
        if unicodedata.category(char) in _INVISIBLE:
            return f"U+{ord(char):04X}"
    return None


# A mobile number (11 digits, 13x–19x) or a fixed line with its area code (010, 0816 …); spaces and hyphens
# as people write them.
_MOBILE = re.compile(r"1[3-9]\d{9}")
_FIXED = re.compile(r"0\d{2,3}\d{7,8}")


def normalized_phone(raw: str) -> str | None:
    """The number with spaces and hyphens removed (a fixed line keeps one hyphen after its area code), "" for
    none; None when it is not a Chinese mobile or fixed-line number."""
    digits = re.sub(r"[\s\-－]", "", raw or "")
    if not digits:
        return ""
    if _MOBILE.fullmatch(digits):
        return digits
    if _FIXED.fullmatch(digits):
        area = 3 if digits[1] in "12" else 4  # 010, 02x: three digits; others four
        return f"{digits[:area]}-{digits[area:]}"
    return None


def date_in_range(value: dt.date, *, not_after: dt.date | None = None) -> bool:
    return EARLIEST_DATE <= value <= min(LATEST_DATE, not_after or LATEST_DATE)
