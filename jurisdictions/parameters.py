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

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, ClassVar

MONEY = "money"  # an amount, at most two decimals
CAP = "cap"  # an amount or none (no cap)
RATE = "rate"  # a share between its bounds (0 to 1 unless narrower)
SEGMENTS = "segments"  # 大病 segments: (up to, ratio) rows, only the last one open
RATES = "rates"  # a rate per category of the jurisdiction
CATEGORY = "category"  # one category of the jurisdiction

ZERO = Decimal("0")
ONE = Decimal("1")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


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


@dataclass(frozen=True)
class ParameterSchema:
    """What every jurisdiction's policy year holds; a package's schema extends it with blocks and fields.

    ``categories`` are the categories its rate tables and 其他特殊困难人员 may name (the package's ranking);
    ``built_in`` the values its rules use when the year gives none (per category for a rate table);
    ``fixed`` the values its text sets and a policy year cannot change, shown beside the editable ones;
    ``bounds`` the limits a category's rate must respect, per rate table; ``choices`` the categories a
    category field may name when they are fewer than ``categories``.
    """

    categories: ClassVar[tuple[str, ...]] = ()
    built_in: ClassVar[Mapping[str, Any]] = {}
    bounds: ClassVar[Mapping[str, tuple[Bounds, ...]]] = {}
    choices: ClassVar[Mapping[str, tuple[str, ...]]] = {}  # a category field's choices, if not ``categories``
    # Values the policy year keeps for other uses than settling (the high-cost alert): a scenario
    # (SCENARIOS Input) does not need them.
    not_for_settlement: ClassVar[tuple[str, ...]] = ("alert_threshold_rate",)
    fixed: ClassVar[tuple[tuple[Text, Mapping[str, Decimal]], ...]] = ()

    income_last_year: Decimal | None = field(
        default=None,
        metadata=parameter(
            MONEY,
            Text("上年居民人均可支配收入", "Per-capita disposable income of residents last year"),
            Text(
                "统计部门发布的上年度数字，起付标准和高额费用预警按其比例计算",
                "The figure published for the previous year; deductibles and the high-cost alert are shares of it",
            ),
            required=True,
            minimum=ZERO,
            column=True,
        ),
    )
    alert_threshold_rate: Decimal | None = field(
        default=None,
        metadata=parameter(
            RATE,
            Text("高额费用预警比例", "High-cost alert rate"),
            Text(
                "上年居民人均可支配收入的比例，0.01 至 1，政策文件为 0.5",
                "Share of last year's income, 0.01 to 1; the policy texts say 0.5",
            ),
            required=True,
            minimum=Decimal("0.01"),
            maximum=ONE,
            places=4,
            column=True,
        ),
    )

    # Reading -----------------------------------------------------------------------------------------

    @classmethod
    def specs(cls) -> dict[str, Spec]:
        """Field name -> spec, the common fields first, then each block's, then the city's."""
        found: dict[str, Spec] = {}
        for item in fields(cls):  # the base's first, then each block's, then the city's
            spec = item.metadata.get("spec")
            if isinstance(spec, Spec):
                found[item.name] = spec
        return found

    @classmethod
    def scenario_required(cls) -> tuple[str, ...]:
        """The parameters a scenario must give (SCENARIOS Input): every value the year requires and every
        annual cap (there, null means no cap), in the schema's order."""
        return tuple(
            name
            for name, spec in cls.specs().items()
            if name not in cls.not_for_settlement and (spec.required or spec.kind == CAP)
        )

    @classmethod
    def scenario_rates(cls) -> tuple[str, ...]:
        """The rate tables (a rate per category) a scenario may give."""
        return tuple(name for name, spec in cls.specs().items() if spec.kind == RATES)

    @classmethod
    def stored_names(cls) -> tuple[str, ...]:
        """The fields kept in ``PolicyYear.parameters`` (not columns)."""
        return tuple(name for name, spec in cls.specs().items() if not spec.column)

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> tuple["ParameterSchema | None", list[Problem]]:
        """The schema's values from ``values`` (texts or Decimals; blank = not given), with every problem.

        Returns ``(None, problems)`` when anything is wrong; a name the schema does not declare is a problem.
        """
        problems: list[Problem] = []
        specs = cls.specs()
        parsed: dict[str, Any] = {}
        for name in values:
            if name not in specs and not _blank(values[name]):
                problems.append(Problem(name, UNKNOWN))
        for name, spec in specs.items():
            value = values.get(name)
            if _blank(value):
                if spec.required:
                    problems.append(Problem(name, REQUIRED))
                parsed[name] = () if spec.kind == SEGMENTS else {} if spec.kind == RATES else None
                continue
            reader = _READERS[spec.kind]
            parsed[name] = reader(cls, name, spec, value, problems)
        failed = {problem.name for problem in problems}
        problems.extend(cls.relations({k: v for k, v in parsed.items() if k not in failed}))
        if problems:
            return None, problems
        return cls(**parsed), []

    @classmethod
    def relations(cls, values: Mapping[str, Any]) -> list[Problem]:
        """Problems between fields (each block adds its own); ``values`` holds the fields read without one."""
        return []

    # Writing -----------------------------------------------------------------------------------------

    def stored(self) -> dict[str, Any]:
        """The JSON of ``PolicyYear.parameters``: the non-column fields given, as texts."""
        specs = self.specs()
        return {
            name: stored_value(specs[name].kind, getattr(self, name))
            for name in self.stored_names()
            if not _blank(getattr(self, name))
        }


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


def _number(value: Any, path: str, spec: Spec, problems: list[Problem], bounds: Bounds | None = None) -> Any:
    """A Decimal within the spec's (or the category's) bounds and places, or None with a problem added."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = Decimal(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    else:
        problems.append(Problem(path, NOT_A_NUMBER))
        return None
    if not number.is_finite():
        problems.append(Problem(path, NOT_A_NUMBER))
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > spec.places:
        problems.append(Problem(path, _places(spec.places)))
        return None
    minimum = spec.minimum if spec.kind in (MONEY, CAP) else (spec.minimum or ZERO)
    maximum = spec.maximum if spec.kind in (MONEY, CAP) else (spec.maximum or ONE)
    if minimum is not None and number < minimum:
        problems.append(Problem(path, _below(minimum, None)))
        return None
    if maximum is not None and number > maximum:
        problems.append(Problem(path, _above(maximum, None)))
        return None
    if bounds is not None:
        if bounds.minimum is not None and number < bounds.minimum:
            problems.append(Problem(path, _below(bounds.minimum, bounds.source)))
            return None
        if bounds.maximum is not None and number > bounds.maximum:
            problems.append(Problem(path, _above(bounds.maximum, bounds.source)))
            return None
    return number


def _read_number(
    cls: type[ParameterSchema], name: str, spec: Spec, value: Any, problems: list[Problem]
) -> Any:
    return _number(value, name, spec, problems)


_RATE_SPEC = Spec(RATE, Text("", ""), Text("", ""), places=4)


def _read_segments(
    cls: type[ParameterSchema], name: str, spec: Spec, value: Any, problems: list[Problem]
) -> tuple[Segment, ...]:
    rows = list(value) if isinstance(value, (list, tuple)) else None
    if rows is None:
        problems.append(Problem(name, NOT_A_NUMBER))
        return ()
    segments: list[Segment] = []
    previous: Decimal | None = None
    for index, row in enumerate(rows):
        path = f"{name}[{index}]"
        up_to_value = row.get("up_to") if isinstance(row, Mapping) else getattr(row, "up_to", None)
        ratio_value = row.get("ratio") if isinstance(row, Mapping) else getattr(row, "ratio", None)
        up_to = None
        if _blank(up_to_value):
            if index != len(rows) - 1:
                problems.append(
                    Problem(
                        f"{path}.up_to",
                        Text("只有最后一段可不设上限", "only the last segment may be open (no upper bound)"),
                    )
                )
        else:
            up_to = _number(
                up_to_value, f"{path}.up_to", Spec(MONEY, spec.label, spec.help, minimum=ZERO), problems
            )
            if up_to is not None and previous is not None and up_to <= previous:
                problems.append(
                    Problem(
                        f"{path}.up_to",
                        Text(
                            f"分段上限须逐段递增，须大于上一段的 {previous}",
                            f"segment bounds must increase: above the previous {previous}",
                        ),
                    )
                )
            previous = up_to if up_to is not None else previous
        if _blank(ratio_value):
            problems.append(Problem(f"{path}.ratio", Text("请填写该段的比例", "enter the segment's ratio")))
            ratio = None
        else:
            ratio = _number(ratio_value, f"{path}.ratio", _RATE_SPEC, problems)
        if ratio is not None:
            segments.append(Segment(up_to, ratio))
    return tuple(segments)


def _read_rates(
    cls: type[ParameterSchema], name: str, spec: Spec, value: Any, problems: list[Problem]
) -> dict[str, Decimal]:
    if not isinstance(value, Mapping):
        problems.append(Problem(name, NOT_A_NUMBER))
        return {}
    bounds = {item.category: item for item in cls.bounds.get(name, ())}
    rates: dict[str, Decimal] = {}
    for code, item in value.items():
        path = f"{name}.{code}"
        if code not in cls.categories:
            problems.append(
                Problem(path, Text("不是该政策适用地的救助类别", "not a category of this jurisdiction"))
            )
            continue
        if _blank(item):
            continue
        rate = _number(item, path, _RATE_SPEC, problems, bounds.get(code))
        if rate is not None:
            rates[code] = rate
    return rates


def _read_category(
    cls: type[ParameterSchema], name: str, spec: Spec, value: Any, problems: list[Problem]
) -> Any:
    if value not in cls.choices.get(name, cls.categories):
        problems.append(
            Problem(name, Text("不是该政策适用地的救助类别", "not a category of this jurisdiction"))
        )
        return None
    return value


_READERS = {
    MONEY: _read_number,
    CAP: _read_number,
    RATE: _read_number,
    SEGMENTS: _read_segments,
    RATES: _read_rates,
    CATEGORY: _read_category,
}


# Blocks shared by the packages -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualCap(ParameterSchema):
    """医疗救助年度救助限额: one cap for every category, set by the city each year."""

    assistance_annual_cap: Decimal | None = field(
        default=None,
        metadata=parameter(
            CAP,
            Text("医疗救助年度限额", "Annual assistance cap"),
            Text(
                "门诊和住院共用的年度救助限额；留空表示不设限额",
                "Shared by outpatient and inpatient aid; blank = no cap",
            ),
            minimum=ZERO,
        ),
    )


@dataclass(frozen=True)
class CriticalIllnessSchedule(ParameterSchema):
    """The 大病保险 schedule of ordinary insured people, when the city sets it (threshold and segments)."""

    @classmethod
    def relations(cls, values: Mapping[str, Any]) -> list[Problem]:
        found = super().relations(values)
        if "critical_illness_threshold" in values and "critical_illness_segments" in values:
            threshold, segments = values["critical_illness_threshold"], values["critical_illness_segments"]
            if (threshold is None) != (not segments):
                name = "critical_illness_segments" if threshold is not None else "critical_illness_threshold"
                found.append(
                    Problem(
                        name,
                        Text(
                            "大病保险起付标准和分段比例须一起填写",
                            "the threshold and the segments are given together",
                        ),
                    )
                )
        return found

    critical_illness_threshold: Decimal | None = field(
        default=None,
        metadata=parameter(
            MONEY,
            Text("大病保险起付标准", "Critical-illness insurance threshold"),
            Text(
                "普通参保人员的起付标准（元）；与分段比例一起填写",
                "For ordinary insured people, with the segments",
            ),
            minimum=ZERO,
        ),
    )
    critical_illness_segments: tuple[Segment, ...] = field(
        default=(),
        metadata=parameter(
            SEGMENTS,
            Text("大病保险分段比例", "Critical-illness insurance segments"),
            Text(
                "每段：起付标准以上至“分段上限”的费用按“比例”支付；最后一段上限留空表示不设上限",
                "Each row pays its ratio up to its bound above the threshold; leave the last bound blank",
            ),
        ),
    )


@dataclass(frozen=True)
class CategoryRates(ParameterSchema):
    """救助比例 and 起付标准比例 per category, where the text leaves them to the locality."""

    ratios: Mapping[str, Decimal] = field(
        default_factory=dict,
        metadata=parameter(
            RATES,
            Text("救助比例", "Assistance ratios"),
            Text(
                "各类救助对象的救助比例，0 至 1 之间的小数；留空则用内置值",
                "Per category, a share between 0 and 1; blank = the built-in value",
            ),
            places=4,
        ),
    )
    deductible_rates: Mapping[str, Decimal] = field(
        default_factory=dict,
        metadata=parameter(
            RATES,
            Text("起付标准比例", "Deductible rates"),
            Text(
                "起付标准占上年居民人均可支配收入的比例；留空则用内置值",
                "Per category, a share of last year's income; blank = the built-in value",
            ),
            places=4,
        ),
    )


@dataclass(frozen=True)
class OtherSpecial(ParameterSchema):
    """其他特殊困难人员 are settled as the category the year names (SCENARIOS Clarification 21)."""

    other_special_as: str | None = field(
        default=None,
        metadata=parameter(
            CATEGORY,
            Text("其他特殊困难人员参照类别", "Other people in special hardship are settled as"),
            Text(
                "县级以上地方人民政府规定的其他特殊困难人员按此类别救助",
                "The category whose terms they receive",
            ),
        ),
    )
