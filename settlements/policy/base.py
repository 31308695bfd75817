"""Shared arithmetic of every tier, written once.

- Rounding: no seed text mentions it; the project rounds every payment half-up to the cent when it is
  paid, per visit or per application (RULES 1.4, A-N4). Deductibles and thresholds stay exact
  (SCENARIOS Clarification 2).
- Annual deductible: 「分类设定年度救助起付标准」 [001:L30]; the part of a visit above an annual threshold is
  ``above(cumulative_before, cumulative_after, threshold)`` (RULES 1.4).
- Annual cap: pay = min(raw, cap − paid this year) (RULES 1.4).
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ONE = Decimal("1")
HUNDRED = Decimal("100")


def exact(amount: Decimal) -> Decimal:
    """The same value written with two decimals when it has no more (thresholds stay exact)."""
    cents = amount.quantize(CENT)
    return cents if cents == amount else amount


def round_half_up(amount: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round a computed payment to the cent (half-up unless the rounding switch says otherwise)."""
    return amount.quantize(CENT, rounding=rounding)


def above(before: Decimal, after: Decimal, threshold: Decimal) -> Decimal:
    """The part of the increase from ``before`` to ``after`` that lies above ``threshold``."""
    return max(ZERO, after - threshold) - max(ZERO, before - threshold)


def capped(raw: Decimal, cap: Decimal | None, paid: Decimal) -> Decimal:
    """Limit ``raw`` to what is left of an annual cap (``None`` = no cap) after ``paid``."""
    if cap is None or raw <= cap - paid:
        return raw
    return max(ZERO, cap - paid)


@lru_cache(maxsize=1024)
def amount_text(amount: Decimal) -> str:
    """Money or an exact threshold as text: two decimals, more only when the value has them."""
    if amount == amount.quantize(CENT):
        return str(amount.quantize(CENT))
    return f"{amount.normalize():f}"


@lru_cache(maxsize=256)
def percent_text(ratio: Decimal) -> str:
    """A ratio as a percentage: ``Decimal("0.65")`` -> ``"65%"``."""
    return f"{(ratio * HUNDRED).normalize():f}%"
