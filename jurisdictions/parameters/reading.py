"""Reading a value of each kind of parameter: every problem found, each with its path and message."""

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jurisdictions.parameters.kinds import (
    CAP,
    CATEGORY,
    MONEY,
    NOT_A_NUMBER,
    ONE,
    RATE,
    RATES,
    SEGMENTS,
    ZERO,
    Bounds,
    Problem,
    Segment,
    Spec,
    Text,
    _above,
    _below,
    _blank,
    _places,
)

if TYPE_CHECKING:
    from jurisdictions.parameters.schema import ParameterSchema

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


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
    cls: type["ParameterSchema"], name: str, spec: Spec, value: Any, problems: list[Problem]
) -> Any:
    return _number(value, name, spec, problems)


_RATE_SPEC = Spec(RATE, Text("", ""), Text("", ""), places=4)


def _read_segments(
    cls: type["ParameterSchema"], name: str, spec: Spec, value: Any, problems: list[Problem]
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
    cls: type["ParameterSchema"], name: str, spec: Spec, value: Any, problems: list[Problem]
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
    cls: type["ParameterSchema"], name: str, spec: Spec, value: Any, problems: list[Problem]
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
