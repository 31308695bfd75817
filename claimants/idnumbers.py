"""Resident ID numbers (公民身份号码, GB 11643-1999).

18 characters: 6-digit region code, 8-digit birth date, 3-digit sequence (odd = male), check character.
The check character is computed with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over the first 17
digits, the sum mod 11 indexing ``10X98765432`` (OPERATIONS.md 4). The region code is not checked
against today's division list: a number keeps the code valid when it was issued.
"""

import datetime as dt
import operator
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FORMAT = re.compile(r"^\d{17}[\dX]$")
_LEGACY_FORMAT = re.compile(r"^\d{15}$")
EARLIEST_BIRTH = dt.date(1880, 1, 1)


class InvalidIdNumber(ValueError):
    """The message says what is wrong, translated, for forms and import reports."""


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    upgraded_from_15: bool = False


def check_char(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError(first17)
    return CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def parse(raw: str, *, allow_legacy: bool = False, today: dt.date | None = None) -> IdNumberFacts:
    """Validate an ID number and derive birth date and sex; raise InvalidIdNumber with a clear reason."""
    number = (raw or "").strip().upper()
    upgraded = False
    if len(number) == 15 and allow_legacy and _LEGACY_FORMAT.match(number):
        body = number[:6] + "19" + number[6:]
        number = body + check_char(body)
        upgraded = True
    # The messages never repeat the number or its birth date: they end up in import reports that others
    # of the region read and download.
    if not _FORMAT.match(number):
        raise InvalidIdNumber(
            _("身份证号应为18位（前17位为数字，末位为数字或X），此号码为 %(length)s 位")
            % {"length": len(number)}
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber(_("身份证号中的出生日期（第7至14位）无效")) from exc
    if birth < EARLIEST_BIRTH or birth > (today or dt.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date()):
        raise InvalidIdNumber(_("身份证号中的出生日期（第7至14位）不合理"))
    expected = check_char(number[:17])
    if number[17] != expected:
        raise InvalidIdNumber(
            _("身份证号校验位错误：应为 %(expected)s，实为 %(actual)s")
            % {"expected": expected, "actual": number[17]}
        )
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumberFacts(number, number[:6], birth, sex, upgraded)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except InvalidIdNumber:
        return False
    return True


MASK_KEPT_TAIL = 2


def mask(number: str) -> str:
    """``510703**********34``: the region code and the last two characters kept; the birth date and the
    first two sequence digits hidden. With the birth date hidden, the birth year a page may show beside
    the number still leaves thousands of candidates (day of the year × two digits, one in eleven passing
    the check character): what a page or file shows with a masked number never gives the number back.
    Anything that is not a number of 18 characters is hidden whole."""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * (18 - 6 - MASK_KEPT_TAIL) + number[-MASK_KEPT_TAIL:]


def build(region_code: str, birth_date: dt.date, sequence: int) -> str:
    """A valid number for synthetic data (demo, factories, benchmarks)."""
    body = f"{region_code[:6]}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return body + check_char(body)
