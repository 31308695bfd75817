"""The steps of payments that the finance side connects to (``claimants.hooks``: the higher app connects
in its ``AppConfig.ready()``).

- ``BEFORE_RELEASE``: called inside ``release_batch``'s transaction, after the batch row is locked and before
  it is marked released, as ``receiver(batch=, totals=, by=, note=)``; ``totals`` is a list of
  ``FundTotal`` (the batch's amount per fund, township and year of release). A receiver refuses the
  release by raising a ``DomainError`` (nothing is then stored); ``note`` is what the manager wrote on
  the release form (e.g. why an overrun is accepted).
- ``AFTER_RESULTS``: called inside ``import_bank_results``' transaction once the bank's results are applied,
  as ``receiver(batch=, lines=, paid_totals=, by=)``: the lines the bank paid (none when every result was a
  failure) and their ``FundTotal`` per paid date's year, for the spending records; the batch's lines still
  at the bank are those in state ``sent``.
"""

from dataclasses import dataclass
from decimal import Decimal

from claimants.hooks import Hook

BEFORE_RELEASE = Hook("payment batch before release")
AFTER_RESULTS = Hook("payment batch after bank results")


@dataclass(frozen=True)
class FundTotal:
    """What a batch pays out of one fund for one township (region code) in one year."""

    fund: str
    region_id: str
    year: int
    amount: Decimal
