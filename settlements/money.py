"""Money read back from the database and shown to people.

PostgreSQL sums ``numeric(14, 2)`` columns exactly. SQLite sums them as floats, which Django turns into
``Decimal('7419.10000000000')``, or into an integer when every value is whole. ``MoneySum`` rounds what the
database returns, so lists, dashboards and reports show the same figures on both.

``format_money`` is how every page writes an amount: 12,362.50, thousands grouped by commas and always two
decimals, in both languages (Django's zh-hans format groups nothing, which leaves 1236250.00 to be counted
digit by digit). Files (CSV, XLSX) and the API keep numbers as numbers.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount one visit may carry (every amount of a hospital bill): a hundred million yuan less a
# cent. It keeps a year's sums well inside the columns that hold them (``numeric(18, 2)`` for a person's
# year in the monthly job), and refuses a typing slip of twelve digits before it reaches the job.
MAX_BILL_AMOUNT = Decimal("99999999.99")
# A person's year of visits, however many: the width of the columns that hold such sums.
YEAR_SUM = {"max_digits": 18, "decimal_places": 2}


def to_cent(value):
    """A ``Decimal`` with more than two places rounded half-up to the cent; anything else as it is."""
    if isinstance(value, Decimal) and value.as_tuple().exponent < -2:
        return value.quantize(CENT, ROUND_HALF_UP)
    return value


def format_count(value):
    """``27,018`` for 27018: a count grouped like an amount, in both languages (Django's zh-hans format groups
    no digits, so ``intcomma`` would write 27018). Anything but an integer is returned as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value


def format_money(value) -> str:
    """``12,362.50`` for ``Decimal("12362.5")``: rounded half-up to the cent, grouped by thousands.

    Integers are amounts too (a sum over whole values on SQLite). Anything else (``None``, a dash, a text) is
    returned as it is, so a page can still write ``—`` for a missing amount. A float is refused: money is
    ``Decimal`` from the database to the page.
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        if isinstance(value, float):
            raise TypeError("money is Decimal, not float")
        return value
    amount = Decimal(value).quantize(CENT, ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)  # no "-0.00"
    return f"{amount:,.2f}"


class MoneySum(Sum):
    """``SUM`` of a money column, returned to the cent (``None`` over no rows, as ``Sum``)."""

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self._to_cent]

    @staticmethod
    def _to_cent(value, expression, connection):
        return None if value is None else Decimal(value).quantize(CENT, ROUND_HALF_UP)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SECTIONS = ("", "万", "亿", "万亿")
# The largest amount ``in_capitals`` writes: below a trillion yuan (万亿 is the last section it names).
MAX_CAPITALS = Decimal("9999999999999999.99")


def _four_digits(number: int) -> str:
    """One section of up to four digits (仟佰拾个): inner zeros as one 零, trailing zeros left out."""
    text, zero = "", False
    for digit, unit in zip(f"{number:04d}", ("仟", "佰", "拾", ""), strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[int(digit)] + unit
    return text


def _yuan_in_capitals(number: int) -> str:
    sections = []
    while number:
        number, section = divmod(number, 10_000)
        sections.append(section)
    text, zero = "", False
    for index in reversed(range(len(sections))):
        section = sections[index]
        if section == 0:
            zero = bool(text)
            continue
        # A gap (an empty section, or a section below a thousand after a higher one) is read as one 零.
        if text and (zero or section < 1000):
            text += "零"
        text += _four_digits(section) + _SECTIONS[index]
        zero = False
    return text


def in_capitals(amount: Decimal) -> str:
    """An amount in Chinese capitals (人民币大写) as written on payment documents.

    ``Decimal("12362.50")`` is 壹万贰仟叁佰陆拾贰元伍角整, ``Decimal("100.05")`` 壹佰元零伍分, 0 is 零元整. The
    amount is rounded half-up to the cent; a negative amount, one of a trillion yuan or more, or anything not
    a ``Decimal`` (a float above all) is refused.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("money is Decimal")
    if not amount.is_finite() or amount < 0 or amount > MAX_CAPITALS:
        raise ValueError(f"no capitals for {amount}")
    cents = int(amount.quantize(CENT, ROUND_HALF_UP) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if cents == 0:
        return "零元整"
    text = _yuan_in_capitals(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    return text + (_DIGITS[fen] + "分" if fen else "整")
