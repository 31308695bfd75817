"""Compiling a jurisdiction's rules for a year, cached, and the fund a category's assistance is paid from."""

from functools import lru_cache

from jurisdictions import registry
from settlements.policy.errors import PolicyInputError
from settlements.policy.rules import (
    Policy,
    PolicyModule,
)
from settlements.policy.types import (
    Fund,
    Parameters,
)

# A jurisdiction's config: the frozen dataclass of built-in values its policy module names ``CONFIG``.
Config = object


def fund_of(category: str) -> str:
    """The fund that pays the assistance of a visit settled under ``category`` (SCENARIOS Clarification 25);
    category codes are unique across jurisdictions, so the code alone names the fund."""
    return registry.fund_of(category) or Fund.MEDICAL_ASSISTANCE


@lru_cache(maxsize=512)
def compile_policy(
    jurisdiction: str, year: int, parameters: Parameters, config: Config | None = None
) -> Policy:
    """The jurisdiction's rules for ``year`` with ``parameters`` applied (cached; all inputs are frozen).

    ``config`` replaces the jurisdiction's default config (``<module>.CONFIG``) to change a switch.
    """
    try:
        policy: PolicyModule = registry.get(jurisdiction).policy
    except registry.UnknownJurisdiction:
        raise PolicyInputError(f'jurisdiction: unknown jurisdiction "{jurisdiction}"') from None
    return policy.build_policy(year, parameters, config if config is not None else policy.CONFIG)
