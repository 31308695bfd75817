"""The kinds of parameter, their specs and texts in both languages, and how a value is stored as JSON."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MONEY = "money"  # an amount, at most two decimals
CAP = "cap"  # an amount or none (no cap)
RATE = "rate"  # a share between its bounds (0 to 1 unless narrower)
SEGMENTS = "segments"  # 大病 segments: (up to, ratio) rows, only the last one open
RATES = "rates"  # a rate per category of the jurisdiction
CATEGORY = "category"  # one category of the jurisdiction

ZERO = Decimal("0")
ONE = Decimal("1")


@dataclass(frozen=True)
class Text:
    """A text in both languages of the product."""

    zh: str
    en: str


@dataclass(frozen=True)
class Bounds:
    """The bounds one category's rate must respect (the national guideline's NAT-10 and NAT-12)."""

    category: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    source: Text | None = None  # who sets the bound, for the message


@dataclass(frozen=True)
class Spec:
    """What a parameter is: its kind, labels, help, bounds and where the product stores it."""

    kind: str
    label: Text
    help: Text
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    places: int = 2  # decimals allowed
    column: bool = False  # a column of PolicyYear (every city has it), not a key of ``parameters``


def parameter(
    kind: str,
    label: Text,
    help: Text,
    *,
    required: bool = False,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    places: int = 2,
    column: bool = False,
) -> dict[str, Spec]:
    """The metadata of a schema field: ``field(default=None, metadata=parameter(...))``."""
    return {"spec": Spec(kind, label, help, required, minimum, maximum, places, column)}


@dataclass(frozen=True)
class Segment:
    """One 大病 segment: the ratio paid up to ``up_to`` (none: the open last segment)."""

    up_to: Decimal | None
    ratio: Decimal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a value: ``path`` is the field, then ``.category`` or ``[row].up_to``/``.ratio``."""

    path: str
    message: Text

    @property
    def name(self) -> str:
        """The field the problem belongs to."""
        return re.split(r"[.\[]", self.path, maxsplit=1)[0]


REQUIRED = Text("该政策适用地必须填写", "required in this jurisdiction")
NOT_A_NUMBER = Text("须为数字，如 12.34", "must be a number such as 12.34")
UNKNOWN = Text("该政策适用地不使用此参数", "not a parameter of this jurisdiction")


def _places(places: int) -> Text:
    written = {2: "两", 4: "四"}.get(places, str(places))
    return Text(f"最多保留{written}位小数", f"at most {places} decimal places")


def _below(limit: Decimal, source: Text | None) -> Text:
    if source is not None:
        return Text(f"低于{source.zh}规定的下限 {limit}", f"below the minimum {limit} set by {source.en}")
    return Text(f"不能小于 {limit}", f"must be at least {limit}")


def _above(limit: Decimal, source: Text | None) -> Text:
    if source is not None:
        return Text(f"高于{source.zh}规定的上限 {limit}", f"above the maximum {limit} set by {source.en}")
    return Text(f"不能大于 {limit}", f"must be at most {limit}")


def number_text(value: Decimal) -> str:
    """A Decimal as the stored text, never in exponent form ("0.70", "33000.00")."""
    return format(value, "f")


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == () or value == [] or value == {}


def stored_value(kind: str, value: Any) -> Any:
    """A value of a field of ``kind`` as JSON (money and rates as texts; Decimals or texts accepted)."""
    if value is None:
        return None
    if kind in (MONEY, CAP):
        return number_text(Decimal(value).quantize(Decimal("0.01")))
    if kind == RATE:
        return number_text(Decimal(value))
    if kind == SEGMENTS:
        return [
            {
                "up_to": None if s.up_to is None else stored_value(MONEY, s.up_to),
                "ratio": number_text(s.ratio),
            }
            if isinstance(s, Segment)
            else s
            for s in value
        ]
    if kind == RATES:
        return {code: number_text(Decimal(rate)) for code, rate in value.items()}
    return value
