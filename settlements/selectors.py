"""Reads of the settlements app, starting from the user's region (a record outside it answers 404)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from claimants import categories
from claimants.models import Certification, Claimant, InsuranceScheme, User
from core.regions import region_filter
from core.roles import changed_by
from jurisdictions import registry
from settlements import adapter
from settlements.models import Hospital, LedgerEntry, PolicyYear, Settlement, SettlementTier, Visit
from settlements.money import MoneySum
from settlements.policy.engine import RULES_REVISION, settle_year
from settlements.policy.errors import PolicyInputError
from settlements.policy.types import Scenario

ZERO = Decimal("0.00")
HistoricalCertification = Certification.history.model
TOTAL_FIELDS = (
    "policy_scope_cost",
    "basic_insurance_paid",
    "critical_illness_insurance",
    "assistance",
    "personal_burden",
    "assistance_paid_at_hospital",
    "assistance_owed",
)


def visits_visible_to(user: User) -> QuerySet[Visit]:
    """Visits of claimants registered (户籍) in the user's subtree, with ``is_settled`` annotated."""
    in_force = Settlement.objects.filter(visit_id=OuterRef("pk"), reversed_at__isnull=True)
    return Visit.objects.filter(**region_filter(user, "claimant__hukou_region")).annotate(
        is_settled=Exists(in_force)
    )


def get_visit_for_user(*, user: User, visit_id: int) -> Visit:
    return get_object_or_404(
        visits_visible_to(user).select_related("claimant__hukou_region", "hospital"), pk=visit_id
    )


def settlements_visible_to(user: User) -> QuerySet[Settlement]:
    return Settlement.objects.filter(**region_filter(user, "claimant__hukou_region"))


def get_settlement_for_user(*, user: User, settlement_id: int) -> Settlement:
    return get_object_or_404(
        settlements_visible_to(user)
        .select_related(
            "claimant__hukou_region", "visit__hospital", "policy_year", "settled_by", "reversed_by"
        )
        .prefetch_related("tiers"),
        pk=settlement_id,
    )


def settlement_totals(queryset: QuerySet[Settlement]) -> dict[str, Decimal]:
    """Sums of every money column and of each assistance tier of the installed jurisdictions (by its code)
    over a (filtered) list, in one query."""
    tiers = {
        code: MoneySum(
            Subquery(SettlementTier.objects.filter(settlement=OuterRef("pk"), code=code).values("amount"))
        )
        for code in registry.tiers()
    }
    sums = queryset.order_by().aggregate(**{name: MoneySum(name) for name in TOTAL_FIELDS}, **tiers)
    return {name: value or ZERO for name, value in sums.items()}


@dataclass(frozen=True)
class TierTotal:
    code: str
    name: str  # Chinese, a message id
    amount: Decimal


def tier_totals(totals: dict[str, Decimal]) -> list[TierTotal]:
    """The tiers of ``settlement_totals``, in order with their names."""
    return [TierTotal(code, name_zh, totals[code]) for code, (name_zh, _name_en) in registry.tiers().items()]


@dataclass(frozen=True)
class PoolState:
    """One pool or counter pair of a person's year: how much of the deductible and the cap is used."""

    label: str
    base: Decimal  # cumulative base of the year
    deductible: Decimal | None  # the annual deductible of the category applied (None: not applicable)
    paid: Decimal  # paid from this pool this year
    cap: Decimal | None  # annual cap (None: no cap)

    @property
    def deductible_used(self) -> Decimal | None:
        return None if self.deductible is None else min(self.base, self.deductible)

    @property
    def cap_left(self) -> Decimal | None:
        return None if self.cap is None else max(ZERO, self.cap - self.paid)


@dataclass(frozen=True)
class YearLedger:
    claimant: Claimant
    year: int
    category: str | None
    pools: tuple[PoolState, ...]
    counters: dict[str, Decimal]
    settlements: list[Settlement]
    tier_names: tuple[str, ...] = ()  # the jurisdiction's tiers (Chinese names, message ids)
    tier_amounts: tuple[list[Decimal], ...] = ()  # each settlement's amounts of those tiers

    @property
    def rows(self) -> list[tuple[Settlement, list[Decimal]]]:
        return list(zip(self.settlements, self.tier_amounts, strict=True))


def ledger_years(*, claimant: Claimant, year: int) -> list[int]:
    """The years of the person's settlements (reversed ones too: they are on the ledger page), newest
    first, with the ``year`` shown even when it holds none."""
    years = set(Settlement.objects.filter(claimant=claimant).values_list("year", flat=True).distinct())
    return sorted(years | {year}, reverse=True)


def year_ledger(*, claimant: Claimant, year: int) -> YearLedger:
    """The person's annual ledger: every counter, and per pool the deductible used and the cap left.

    Deductibles and caps are those of the category applied by the person's latest settlement of the year.
    """
    counters = {
        entry.counter: entry.amount
        for entry in LedgerEntry.objects.filter(claimant=claimant, year=year).order_by("counter")
    }
    settlements = list(
        Settlement.objects.filter(claimant=claimant, year=year)
        .select_related("visit__hospital")
        .prefetch_related("tiers")
        .order_by("discharged", "pk")
    )
    tiers = registry.get(claimant.jurisdiction).tiers if claimant.jurisdiction in registry.installed() else ()
    codes = [code for code, _zh, _en in tiers]
    in_force = [s for s in settlements if s.reversed_at is None]
    category = next((s.category for s in reversed(in_force) if s.category), None)
    pools: list[PoolState] = []
    policy_year = PolicyYear.objects.filter(jurisdiction=claimant.jurisdiction, year=year).first()
    if policy_year is not None and category:
        try:
            policy = adapter.policy_of(policy_year)
        except PolicyInputError:
            policy = None
        terms = policy.categories.get(category) if policy is not None else None
        if terms is not None:
            for pool, pool_terms in terms.pools.items():
                pools.append(
                    PoolState(
                        label=policy.pool_names_zh.get(pool, pool),
                        base=counters.get(f"{pool}_base", ZERO),
                        deductible=pool_terms.deductible,
                        paid=counters.get(f"{pool}_paid", ZERO),
                        cap=pool_terms.cap,
                    )
                )
            for layer in terms.layers:
                pools.append(
                    PoolState(
                        _(layer.tier.name_zh),
                        counters.get(layer.base_counter, ZERO),
                        layer.threshold,
                        counters.get(layer.paid_counter, ZERO),
                        layer.cap,
                    )
                )
    return YearLedger(
        claimant,
        year,
        category,
        tuple(pools),
        counters,
        settlements,
        tuple(name_zh for _code, name_zh, _en in tiers),
        tuple(settlement.tier_amounts(codes) for settlement in settlements),
    )


# Resettlement (待重新结算) -----------------------------------------------------------------------------

# Compared besides the tiers, with their names (message ids).
COMPARED_FIGURES = {"critical_illness_insurance": "大病保险", "personal_burden": "个人负担"}


@dataclass(frozen=True)
class ResettlementCandidate:
    """A settlement in force whose amounts differ from settling the person's year again now."""

    settlement: Settlement
    category_now: str | None
    reason_now: str | None
    # 大病保险, each assistance tier (by its code) and the burden -> (stored, now), where they differ
    differences: dict[str, tuple[Decimal, Decimal]]
    names: dict[str, str]  # the same keys -> their Chinese names

    @property
    def assistance_difference(self) -> Decimal:
        """Assistance tiers now minus stored (positive: the person is owed more)."""
        return sum(
            (
                now - stored
                for name, (stored, now) in self.differences.items()
                if name not in COMPARED_FIGURES
            ),
            ZERO,
        )

    @property
    def named_differences(self) -> list[tuple[str, Decimal, Decimal]]:
        return [(_(self.names[key]), stored, now) for key, (stored, now) in self.differences.items()]


def _compared(settlement: Settlement, result) -> tuple[dict[str, tuple[Decimal, Decimal]], dict[str, str]]:
    """What differs between a stored settlement and the engine's result now: 大病保险, every tier either
    has (by code, in the result's order) and the burden; and the names of those figures."""
    stored = {tier.code: (tier.name, tier.amount) for tier in settlement.tier_rows()}
    now = {tier.code: (tier.name_zh, tier.amount) for tier in result.tiers}
    pairs = {
        "critical_illness_insurance": (
            settlement.critical_illness_insurance,
            result.critical_illness_insurance,
        )
    }
    names = dict(COMPARED_FIGURES)
    for code in [*now, *(code for code in stored if code not in now)]:
        pairs[code] = (stored.get(code, ("", ZERO))[1], now.get(code, ("", ZERO))[1])
        names[code] = (now.get(code) or stored[code])[0]
    pairs["personal_burden"] = (settlement.personal_burden, result.personal_burden)
    differences = {key: pair for key, pair in pairs.items() if pair[0] != pair[1]}
    return differences, {key: names[key] for key in differences}


def resettlement_candidates(claimant: Claimant, year: int) -> list[ResettlementCandidate]:
    """Settlements of the person's year that would change if the year were settled again now.

    The engine re-runs the person's settled visits of ``year`` in discharge order with the current
    certifications (revoked ones left out) and the current policy year, and each result is compared with the
    stored settlement. Causes: a certification added or revoked with a date in the past, a visit settled
    out of order, a reversal before later settlements, changed parameters. Other apps may call this.
    """
    settlements = list(
        Settlement.objects.filter(claimant=claimant, year=year, reversed_at__isnull=True)
        .select_related("visit__hospital")
        .prefetch_related("tiers")
        .order_by("discharged", "pk")
    )
    if not settlements:
        return []
    policy_year = PolicyYear.objects.filter(jurisdiction=claimant.jurisdiction, year=year).first()
    if policy_year is None:
        return []
    certifications = Certification.objects.filter(claimant=claimant).exclude(
        status=Certification.Status.REVOKED
    )
    scenario = Scenario(
        jurisdiction=policy_year.jurisdiction,
        year=year,
        parameters=adapter.parameters_of(policy_year),
        certifications=adapter.certifications_of(certifications),
        visits=tuple(adapter.visit_of(s.visit, settled_on=s.settled_on) for s in settlements),
    )
    results = settle_year(scenario).visits
    candidates = []
    for settlement, result in zip(settlements, results, strict=True):
        differences, names = _compared(settlement, result)
        if differences or (result.category or "") != settlement.category:
            candidates.append(
                ResettlementCandidate(
                    settlement=settlement,
                    category_now=result.category,
                    reason_now=result.reason.value if result.reason else None,
                    differences=differences,
                    names=names,
                )
            )
    return candidates


def claimant_years_to_check(user: User) -> QuerySet[Settlement]:
    """(claimant, year) pairs in the user's region whose certifications changed after a settlement in force,
    that hold a settlement made out of discharge order, or one made under an earlier reading of the rules
    that the current one can change: where ``resettlement_candidates`` may find a difference. Values: ``claimant_id``, ``year``, ``claimant__name``."""
    changed_after = HistoricalCertification.objects.filter(
        claimant_id=OuterRef("claimant_id"), history_date__gt=OuterRef("settled_at")
    )
    # Settled under an earlier reading of the rules (RULES_REVISION) where the new one can change the figures:
    # an employee-insured visit (Clarification 24), a person holding two categories (Clarification 22).
    other_category = Certification.objects.filter(claimant_id=OuterRef("claimant_id")).exclude(
        category=OuterRef("category")
    )
    older_rules = Q(rules_revision__lt=RULES_REVISION) & (
        Q(visit__insurance_scheme=InsuranceScheme.EMPLOYEE) | Q(holds_another_category=True)
    )
    return (
        settlements_visible_to(user)
        .filter(reversed_at__isnull=True)
        .annotate(certification_changed=Exists(changed_after), holds_another_category=Exists(other_category))
        .filter(Q(certification_changed=True) | Q(out_of_order=True) | older_rules)
        .values("claimant_id", "year", "claimant__name")
        .distinct()
        .order_by("claimant_id", "year")
    )


def policy_years_visible_to(user) -> QuerySet[PolicyYear]:
    """A city's parameters and fund budget are its own: a user sees the years of their jurisdiction."""
    return PolicyYear.objects.filter(jurisdiction=user.jurisdiction)


def hospitals_for(user: User) -> QuerySet[Hospital]:
    """The designated hospitals of the user's city (a county user's too), by name: a Mianyang reviewer does not
    pick among Beijing's and Tianjin's."""
    city = (user.region_id or "-")[:4]
    return Hospital.objects.filter(region__code__startswith=city).order_by("name")


@dataclass(frozen=True)
class ParameterChange:
    """One saved change of a policy year: who, when, the version it made, why, and each value before/after."""

    at: object
    by: str
    version: int
    reason: str
    created: bool
    changes: list[tuple[str, str, str]]  # (parameter, before, after) in words


_HISTORY_COLUMNS = ("effective_from", "income_last_year", "alert_threshold_rate")


def _flat_values(record) -> dict[str, str]:
    """A history row's values, one entry per parameter, category rate or segment (``ratios.dibao``)."""
    values = {
        name: "" if getattr(record, name) is None else str(getattr(record, name)) for name in _HISTORY_COLUMNS
    }
    for name, value in (record.parameters or {}).items():
        if isinstance(value, dict):
            values.update({f"{name}.{code}": str(rate) for code, rate in value.items()})
        elif isinstance(value, list):
            values[name] = "；".join(
                f"{row.get('up_to') or '∞'} × {row.get('ratio')}" for row in value if isinstance(row, dict)
            )
        else:
            values[name] = "" if value is None else str(value)
    return values


def _change_label(path: str) -> str:
    name, _dot, code = path.partition(".")
    label = adapter.label_of(name)
    return f"{label}（{categories.label_of(code)}）" if code else label


def policy_year_history(policy_year: PolicyYear, *, limit: int = 20) -> list[ParameterChange]:
    """The latest saved changes of a policy year, newest first, each with the values it changed (from the
    full copies the history keeps: the previous values of every save)."""
    records = list(policy_year.history.select_related("history_user").order_by("-history_id")[: limit + 1])
    changes = []
    for record, previous in zip(records[:limit], [*records[1:], None], strict=False):
        after = _flat_values(record)
        before = _flat_values(previous) if previous is not None else {}
        differing = [
            (_change_label(path), before.get(path, "") or "—", after.get(path, "") or "—")
            for path in sorted(set(before) | set(after))
            if before.get(path, "") != after.get(path, "")
        ]
        changes.append(
            ParameterChange(
                at=record.history_date,
                by=changed_by(record.history_user),
                version=record.version,
                reason=record.history_change_reason or "",
                created=record.history_type == "+",
                changes=[] if record.history_type == "+" else differing,
            )
        )
    return changes
