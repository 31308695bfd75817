"""The scenario output document of ``SCENARIOS.md`` (``Output``): ``render_result`` turns a ``YearResult``
into JSON-ready data, money as strings with two decimals, explanations in Chinese, in input order.
``scenario`` parses the input document.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from settlements.policy.base import ZERO
from settlements.policy.results import CONTRACT_TIERS, YearResult


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _tier_keys(tiers: Iterable[tuple[str, Decimal]]) -> dict[str, str]:
    """(tier code, amount) pairs as the output's keys: the contract's three (zero where the jurisdiction has
    no such tier), then any other tier of the jurisdiction under its code."""
    amounts = dict.fromkeys(CONTRACT_TIERS, ZERO)
    amounts.update(tiers)
    return {code: _money(amount) for code, amount in amounts.items()}


def render_result(result: YearResult) -> dict[str, Any]:
    """The output document of SCENARIOS ``Output``: input order, two-decimal strings, Chinese lines."""
    totals = result.totals
    return {
        "visits": [
            {
                "id": visit.visit_id,
                "category": None if visit.category is None else str(visit.category),
                "critical_illness_insurance": _money(visit.critical_illness_insurance),
                **_tier_keys((tier.code, tier.amount) for tier in visit.tiers),
                "personal_burden": _money(visit.personal_burden),
                "supplementary_paid": _money(visit.supplementary_paid),
                "fund": None if visit.fund is None else str(visit.fund),
                "reason": None if visit.reason is None else str(visit.reason),
                "explanation": [line.zh for line in visit.explanation],
            }
            for visit in result.visits
        ],
        "applications": [
            {
                "id": application.application_id,
                "status": str(application.status),
                "assistance": _money(application.assistance),
                "reason": None if application.reason is None else str(application.reason),
                "explanation": [line.zh for line in application.explanation],
            }
            for application in result.applications
        ],
        "totals": {
            "critical_illness_insurance": _money(totals.critical_illness_insurance),
            **_tier_keys(totals.tiers),
            "application_assistance": _money(totals.application_assistance),
            "personal_burden": _money(totals.personal_burden),
        },
    }
