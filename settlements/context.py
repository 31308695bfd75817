"""What a settlement reads before the engine runs, for many visits at once: each person-year's jurisdiction
and hukou township, policy year and its parameters, the certifications of the year, the ledger counters,
and the visits already settled (in force) with their latest discharge date.

The preview, ``settle_visit`` and ``settle_visits`` all read it here (the single visit is a batch of one),
in a fixed number of queries: one a year, the ledger rows with the rest. Locked, the ledger rows are taken
first (``settlements.locks``, in primary-key order, the missing ones created) and everything is read after
them, so the settled visits and the counters cannot change until the transaction ends.
The queries are fixed SQL on a plain cursor: building ORM queries costs more than their round trips.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db import connection

from claimants.models import Certification, Claimant, Region
from core.certifications import in_force_sql
from core.errors import DomainError
from jurisdictions import registry
from settlements import adapter, locks
from settlements.errors import SettlementError, VisitError
from settlements.models import LedgerEntry, PolicyYear, Settlement
from settlements.policy import types as engine
from settlements.policy.errors import PolicyInputError

CENT = Decimal("0.01")

# A row per certification of the year (or one row without any) of each person, then a row per ledger row
# and a row per settlement in force of the person's year: ('c', jurisdiction, township, policy year id,
# version, income, parameters, category, valid from, valid to, claimant, order), ('l', …, counter, ledger
# row id, …, amount, …, claimant, order) and ('s', …, visit id, …, discharged, …, claimant, order).
_CONTEXT_SQL = (
    "SELECT 'c', r.jurisdiction, c.hukou_region_id, py.id, py.version, py.income_last_year, "  # noqa: S608
    "CAST(py.parameters AS TEXT), cert.category, cert.valid_from, cert.valid_to, c.id, cert.id "
    f"FROM {Claimant._meta.db_table} c JOIN {Region._meta.db_table} r ON r.code = c.hukou_region_id "
    f"LEFT JOIN {PolicyYear._meta.db_table} py ON py.jurisdiction = r.jurisdiction AND py.year = %s "
    f"LEFT JOIN {Certification._meta.db_table} cert ON cert.claimant_id = c.id "
    f"AND {in_force_sql('cert', '%s', '%s')} "
    "WHERE c.id IN ({claimants}) "
    "UNION ALL SELECT 'l', NULL, l.counter, l.id, NULL, l.amount, NULL, NULL, NULL, NULL, l.claimant_id, l.id "
    f"FROM {LedgerEntry._meta.db_table} l WHERE l.year = %s AND l.claimant_id IN ({{claimants}}) "
    "UNION ALL SELECT 's', NULL, NULL, s.visit_id, NULL, NULL, NULL, NULL, s.discharged, NULL, s.claimant_id, s.id "
    f"FROM {Settlement._meta.db_table} s WHERE s.year = %s AND s.reversed_at IS NULL "
    "AND s.claimant_id IN ({claimants}) ORDER BY 11, 1, 12"
)


@dataclass(frozen=True)
class Context:
    """The person's jurisdiction and township, the policy year and what the engine reads of it."""

    jurisdiction: str
    region_id: str
    policy_year_id: int
    policy_version: int
    parameters: engine.Parameters
    certifications: tuple[engine.Certification, ...]


@dataclass
class PersonYear:
    """What the settlements of one person's year read: its context, ledger rows and settled visits."""

    year: int
    rows: list[tuple] = field(default_factory=list)
    ledger: dict[str, locks.LockedCounter] = field(default_factory=dict)
    settled: set[int] = field(default_factory=set)  # visits with a settlement in force
    latest: dt.date | None = None  # the latest discharge date among them
    _context: Context | DomainError | None = None

    def context(self) -> Context:
        """The context, or the refusal that applies (no policy year, unknown jurisdiction, bad values)."""
        if self._context is None:
            try:
                self._context = _context_of(self.year, self.rows)
            except DomainError as exc:
                self._context = exc
        if isinstance(self._context, DomainError):
            raise self._context
        return self._context

    def check_not_settled(self, visit_id: int | None) -> None:
        if visit_id in self.settled:
            raise DomainError(SettlementError.ALREADY_SETTLED)

    def out_of_order(self, discharged: dt.date) -> bool:
        """A later-discharged visit of the person's year is settled already."""
        return self.latest is not None and discharged < self.latest


def read(person_years: Iterable[tuple[int, int]], *, lock: bool) -> dict[tuple[int, int], PersonYear]:
    """(claimant id, year) -> its ``PersonYear``. ``lock``: the ledger rows are locked (created when
    missing) before the rest is read; otherwise they are read as they stand (a preview)."""
    pairs = sorted(set(person_years))
    read_ = {pair: PersonYear(pair[1]) for pair in pairs}
    if not pairs:
        return read_
    if lock:
        locks.lock_person_years(pairs)
    for year in sorted({year for _claimant, year in pairs}):
        claimants = ", ".join(str(int(claimant)) for claimant, y in pairs if y == year)
        params = [year, dt.date(year, 12, 31), dt.date(year, 1, 1), year, year]
        with connection.cursor() as cursor:
            cursor.execute(_CONTEXT_SQL.format(claimants=claimants), params)
            for row in cursor.fetchall():
                person_year = read_[row[10], year]
                if row[0] == "c":
                    person_year.rows.append(row)
                elif row[0] == "l":
                    person_year.ledger[row[2]] = locks.counter(row[3], row[2], row[5])
                else:
                    discharged = _date(row[8])
                    person_year.settled.add(row[3])
                    if person_year.latest is None or discharged > person_year.latest:
                        person_year.latest = discharged
    if lock:
        locks.add_missing({pair: person_year.ledger for pair, person_year in read_.items()})
    return read_


def policy_year_for(*, jurisdiction: str, year: int) -> PolicyYear:
    """The policy year of ``jurisdiction`` and ``year``, or the refusal that applies."""
    if jurisdiction not in registry.installed():
        raise DomainError(VisitError.UNKNOWN_JURISDICTION)
    rows = list(PolicyYear.objects.raw(_POLICY_YEAR_SQL, [jurisdiction, year]))
    if rows:
        return rows[0]
    label = dict(PolicyYear._meta.get_field("jurisdiction").choices).get(jurisdiction, jurisdiction)
    raise DomainError(VisitError.NO_POLICY_YEAR, jurisdiction=label, year=year)


_POLICY_YEAR_SQL = f"SELECT * FROM {PolicyYear._meta.db_table} WHERE jurisdiction = %s AND year = %s"  # noqa: S608


def refusal(exc: PolicyInputError) -> DomainError:
    """The refusal of values the engine cannot settle with."""
    if exc.path == "certification.category" and exc.value:
        return DomainError(SettlementError.UNKNOWN_CATEGORY, category=exc.value)
    return DomainError(SettlementError.INVALID_PARAMETERS, detail=adapter.parameter_problem(exc))


def _context_of(year: int, rows: list[tuple]) -> Context:
    if not rows:  # no such person: cannot happen for a stored visit's claimant
        raise DomainError(VisitError.UNKNOWN_JURISDICTION)
    jurisdiction, region_id, policy_year_id, version = rows[0][1:5]
    if policy_year_id is None or jurisdiction not in registry.installed():
        policy_year_for(jurisdiction=jurisdiction, year=year)  # raises the refusal that applies
    try:
        parameters = _parameters(jurisdiction, year, rows[0][5:7])
    except PolicyInputError as exc:
        raise refusal(exc) from exc
    certifications = tuple(
        engine.Certification(row[7], _date(row[8]), _date(row[9])) for row in rows if row[7] is not None
    )
    return Context(jurisdiction, region_id, policy_year_id, version, parameters, certifications)


@lru_cache(maxsize=64)
def _parameters(jurisdiction: str, year: int, values: tuple) -> engine.Parameters:
    """The parameters of a policy year's stored values (cached on the values themselves, so a change of
    the policy year, or another row, can never be served stale parameters)."""
    income, parameters = values
    policy_year = PolicyYear(
        jurisdiction=jurisdiction,
        year=year,
        income_last_year=_money(income),
        parameters=json.loads(parameters) if parameters else {},
    )
    return adapter.parameters_of(policy_year)


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite returns text


def _money(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(CENT)  # SQLite returns a float or an integer
