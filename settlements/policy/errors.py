"""Errors of the policy engine: input it cannot accept, with a one-line message naming the field."""


class Problem:
    """Stable codes of what is wrong with a value, for callers that explain it in their own words."""

    REQUIRED = "required"
    NEGATIVE = "negative"
    MALFORMED_MONEY = "malformed_money"
    DECIMALS = "decimals"
    RATE_RANGE = "rate_range"
    NOT_A_CATEGORY = "not_a_category"
    UNKNOWN_PARAMETER = "unknown_parameter"
    BELOW_LIMIT = "below_limit"
    ABOVE_LIMIT = "above_limit"
    SEGMENTS = "segments"


class PolicyInputError(ValueError):
    """Input the engine cannot accept (a missing or invalid parameter, an impossible visit).

    The message is one line and starts with the field it concerns, e.g.
    ``parameters.income_last_year: required by mianyang``. The same facts as fields: ``path`` (the part
    before the colon), ``problem`` (a ``Problem`` code, None where no caller needs one), ``limit`` (the
    bound a value broke, as text) and ``value`` (a refused code).
    """

    def __init__(
        self, message: str, *, problem: str | None = None, limit: str | None = None, value: str | None = None
    ) -> None:
        super().__init__(message)
        self.path = message.split(": ", 1)[0]
        self.problem = problem
        self.limit = limit
        self.value = value  # the code that was refused, where one is named (an unknown category)


class ScenarioError(PolicyInputError):
    """A scenario JSON document that breaks the contract of ``SCENARIOS.md`` (exit code 2)."""
