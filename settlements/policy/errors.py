"""Errors of the policy engine: input it cannot accept, with a one-line message naming the field."""


class PolicyInputError(ValueError):
    """Input the engine cannot accept (a missing or invalid parameter, an impossible visit).

    The message is one line and starts with the field it concerns, e.g.
    ``parameters.income_last_year: required by mianyang``.
    """


class ScenarioError(PolicyInputError):
    """A scenario JSON document that breaks the contract of ``SCENARIOS.md`` (exit code 2)."""
