"""Amounts in Chinese capitals (人民币大写), as the one-bill statement writes the assistance."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from settlements.money import in_capitals

D = Decimal
DIGITS_TEXT = "零壹贰叁肆伍陆柒捌玖"
DIGITS = {ch: n for n, ch in enumerate(DIGITS_TEXT)}
UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def parse(text: str) -> Decimal:
    """Read capitals back (an independent reading: sections 万 and 亿, digit units 拾佰仟, 零 skipped)."""
    assert text.endswith(("整", "分")), text
    yuan, _, fraction = text.removesuffix("整").partition("元")
    if not _:  # no 元: only 角 and 分
        yuan, fraction = "", text.removesuffix("整")
    total = section = digit = 0
    for ch in yuan:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += digit * UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch} in {text}")
    total += section + digit
    cents = sum(
        DIGITS[number] * {"角": 10, "分": 1}[unit]
        for number, unit in re.findall(f"([{DIGITS_TEXT}])([角分])", fraction)
    )
    return D(total) + D(cents) / 100


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("10.50", "壹拾元伍角整"),
        ("100.05", "壹佰元零伍分"),
        ("1005", "壹仟零伍元整"),
        ("10010", "壹万零壹拾元整"),
        ("12362.50", "壹万贰仟叁佰陆拾贰元伍角整"),
        ("100001", "壹拾万零壹元整"),
        ("101000", "壹拾万壹仟元整"),
        ("1000000", "壹佰万元整"),
        ("10000000", "壹仟万元整"),
        ("100000000", "壹亿元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("6203.75", "陆仟贰佰零叁元柒角伍分"),
        ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("1.004", "壹元整"),
        ("1.005", "壹元零壹分"),
    ],
)
def test_known_amounts_in_capitals(amount, capitals):
    assert in_capitals(D(amount)) == capitals


@given(st.decimals(min_value=0, max_value=D("99999999.99"), places=2))
def test_capitals_read_back_as_the_amount(amount):
    text = in_capitals(amount)
    assert parse(text) == amount
    assert "零零" not in text
    assert not text.startswith("零") or text == "零元整"
    assert "零元" not in text or text == "零元整"


@pytest.mark.parametrize("bad", [1.5, 3, "12.00", None])
def test_only_a_decimal_is_written_in_capitals(bad):
    with pytest.raises(TypeError):
        in_capitals(bad)


@pytest.mark.parametrize("bad", [D("-0.01"), D("NaN"), D("Infinity"), D("10000000000000000")])
def test_negative_or_impossible_amounts_are_refused(bad):
    with pytest.raises(ValueError, match="no capitals"):
        in_capitals(bad)
