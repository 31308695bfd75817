"""``ParameterSchema``: what every jurisdiction's policy year holds, read and written whole."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, ClassVar

from jurisdictions.parameters.kinds import (
    CAP,
    MONEY,
    ONE,
    RATE,
    RATES,
    REQUIRED,
    SEGMENTS,
    UNKNOWN,
    ZERO,
    Bounds,
    Problem,
    Spec,
    Text,
    _blank,
    parameter,
    stored_value,
)
from jurisdictions.parameters.reading import _READERS


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
