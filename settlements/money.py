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
