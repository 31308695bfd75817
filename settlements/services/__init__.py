"""Writes of the settlements app: visits, policy years, settlements and reversals (冲正).

Each action is one transaction, checks its preconditions and raises ``DomainError`` with a code from
``settlements.errors`` when it refuses; nothing is stored half-way. The rules are the pure engine's
(``settlements.policy``): this module reads rows, calls the engine, and writes what it returns.
"""

from settlements.services.batch import settle_visits
from settlements.services.policy_years import check_policy_year, policy_year_problems, save_policy_year
from settlements.services.reversal import reverse_settlement
from settlements.services.settling import SETTLEMENT_FOLLOWERS, preview_settlement, settle_visit
from settlements.services.visits import check_visit_values, record_visit

__all__ = [
    "SETTLEMENT_FOLLOWERS",
    "check_policy_year",
    "check_visit_values",
    "policy_year_problems",
    "preview_settlement",
    "record_visit",
    "reverse_settlement",
    "save_policy_year",
    "settle_visit",
    "settle_visits",
]
