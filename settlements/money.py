"""Money read back from the database: sums to the cent, half-up, on every backend.

PostgreSQL sums ``numeric(14, 2)`` columns exactly. SQLite sums them as floats, which Django turns into
``Decimal('7419.10000000000')``, or into an integer when every value is whole. ``MoneySum`` rounds what the
database returns, so lists, dashboards and reports show the same figures on both.
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


class MoneySum(Sum):
    """``SUM`` of a money column, returned to the cent (``None`` over no rows, as ``Sum``)."""

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self._to_cent]

    @staticmethod
    def _to_cent(value, expression, connection):
        return None if value is None else Decimal(value).quantize(CENT, ROUND_HALF_UP)
