"""Writes of policy years (政策年度): the checks of their values and the versioned save."""

import copy

from django.db import transaction

from claimants.models import User
from core.errors import DomainError
from jurisdictions import registry
from settlements import adapter
from settlements.errors import PolicyYearError
from settlements.models import PolicyYear
from settlements.policy.errors import PolicyInputError


def policy_year_problems(policy_year: PolicyYear) -> list[adapter.ValueProblem]:
    """Everything wrong with a policy year's values, at once. The package's schema finds every problem it can
    tell; the engine's own validation (one refusal) runs on the values the schema accepted."""
    found: list[adapter.ValueProblem] = []
    if policy_year.effective_from and policy_year.effective_from.year > policy_year.year:
        found.append(
            adapter.ValueProblem("effective_from", "", str(PolicyYearError.EFFECTIVE_FROM_OUTSIDE_YEAR.label))
        )
    if policy_year.jurisdiction in registry.installed():
        values, problems = adapter.read_values(policy_year)
        found.extend(adapter.schema_problem(problem) for problem in problems)
        if values is not None:
            policy_year = adapter.apply_values(copy.copy(policy_year), values)
    if not found and policy_year.year:  # the engine's rules are those of a year
        try:
            adapter.validate_policy_year(policy_year)
        except PolicyInputError as exc:
            found.append(adapter.engine_problem(exc))
    return found


def check_policy_year(policy_year: PolicyYear) -> None:
    """Refuse values the schema or the engine cannot settle with (e.g. a national dibao ratio < 0.70)."""
    problems = policy_year_problems(policy_year)
    if not problems:
        return
    if problems[0].where == "effective_from":
        raise DomainError(PolicyYearError.EFFECTIVE_FROM_OUTSIDE_YEAR)
    if problems[0].where == "alert_threshold_rate":
        raise DomainError(PolicyYearError.ALERT_RATE_OUT_OF_RANGE)
    raise DomainError(PolicyYearError.INVALID_PARAMETERS, detail="；".join(map(str, problems)))


@transaction.atomic
def save_policy_year(*, policy_year: PolicyYear, by: User | None, reason: str = "") -> PolicyYear:
    """Create or change a policy year; the history (who, when, old and new values) is kept. Saving a year
    whose values are all as stored changes nothing: no new version, no history row."""
    check_policy_year(policy_year)
    if policy_year.pk is not None and _as_stored(policy_year):
        return policy_year
    policy_year._history_user = by
    if reason:
        policy_year._change_reason = reason
    policy_year.save()
    return policy_year


def _as_stored(policy_year: PolicyYear) -> bool:
    stored = PolicyYear.objects.select_for_update().get(pk=policy_year.pk)
    fields = [f.attname for f in PolicyYear._meta.concrete_fields if f.name not in {"id", "version"}]
    return all(getattr(stored, name) == getattr(policy_year, name) for name in fields)
