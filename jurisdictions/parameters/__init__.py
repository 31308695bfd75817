"""The policy-year parameters a jurisdiction declares (RULES.md 9: every locally set value is dated).

A package's schema is a frozen dataclass built from these blocks: ``ParameterSchema`` (what every city has:
last year's income, the alert rate) and the shared blocks ``AnnualCap``, ``CriticalIllnessSchedule``,
``CategoryRates`` and ``OtherSpecial``; a city adds its own fields in ``jurisdictions/<code>/parameters.py``
(Mianyang's 倾斜救助 threshold and cap). Each field carries its kind, its Chinese and English label and help,
and its bounds; ``parse`` reads a policy year's values and returns every problem at once, each with its path
and its message in both languages. The product stores the values of the fields marked ``column`` as columns of
``PolicyYear`` and the rest in its one JSON field ``parameters``: a new city, or a new field, needs no
migration. Plain Python, like the engine the values feed.
"""

from jurisdictions.parameters.blocks import AnnualCap, CategoryRates, CriticalIllnessSchedule, OtherSpecial
from jurisdictions.parameters.kinds import (
    CAP,
    CATEGORY,
    MONEY,
    RATES,
    SEGMENTS,
    ZERO,
    Bounds,
    Problem,
    Segment,
    Text,
    number_text,
    parameter,
    stored_value,
)
from jurisdictions.parameters.schema import ParameterSchema

__all__ = [
    "CAP",
    "CATEGORY",
    "MONEY",
    "RATES",
    "SEGMENTS",
    "ZERO",
    "AnnualCap",
    "Bounds",
    "CategoryRates",
    "CriticalIllnessSchedule",
    "OtherSpecial",
    "ParameterSchema",
    "Problem",
    "Segment",
    "Text",
    "number_text",
    "parameter",
    "stored_value",
]
