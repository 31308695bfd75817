"""Keep the dashboard roll-ups current: every settlement adds its figures, every reversal subtracts them.

The settlements app may not import monitoring (layering), so ``apply_settlements`` registers with
``settlements.services.SETTLEMENT_FOLLOWERS`` (connected by ``monitoring``'s app config); ``settle_visit`` then calls it for the new settlement,
``settle_visits`` for a chunk's settlements and ``reverse_settlement`` for the one it reverses, inside
their transaction, so a roll-up never disagrees with the committed settlements. Each roll-up is updated by
an ``INSERT … ON CONFLICT DO UPDATE`` on rows keyed by township, month, category and visit type, by
township, month, category and tier (from the settlement's tier rows, whatever tiers its jurisdiction has), by
person-year, and for inpatient stays by township and hospital (no row that every settlement touches),
written in key order; on PostgreSQL the three or four upserts are part of one statement (a single settlement's
INSERT). ``rebuild()`` recomputes everything from the settlements (after a bulk load).
"""

from collections.abc import Sequence

from django.db import connection, transaction

from core.sql import rows_source
from monitoring.dashboards import casework
from settlements.history import Write
from settlements.models import Settlement, VisitType

SETTLEMENT_SQL = """
INSERT INTO monitoring_settlementrollup (year, month, region_id, category, visit_type, settlements, assisted,
    cap_reached, policy_scope_cost, critical_illness_insurance, assistance, personal_burden)
{rows}
ON CONFLICT (year, month, region_id, category, visit_type) DO UPDATE SET
    settlements = monitoring_settlementrollup.settlements + excluded.settlements,
    assisted = monitoring_settlementrollup.assisted + excluded.assisted,
    cap_reached = monitoring_settlementrollup.cap_reached + excluded.cap_reached,
    policy_scope_cost = monitoring_settlementrollup.policy_scope_cost + excluded.policy_scope_cost,
    critical_illness_insurance = monitoring_settlementrollup.critical_illness_insurance
        + excluded.critical_illness_insurance,
    assistance = monitoring_settlementrollup.assistance + excluded.assistance,
    personal_burden = monitoring_settlementrollup.personal_burden + excluded.personal_burden
"""

TIER_SQL = """
INSERT INTO monitoring_tierrollup (year, month, region_id, category, tier, amount)
{rows}
ON CONFLICT (year, month, region_id, category, tier) DO UPDATE SET
    amount = monitoring_tierrollup.amount + excluded.amount
"""

PERSON_SQL = """
INSERT INTO monitoring_personyearrollup (claimant_id, year, region_id, settlements, assistance, personal_burden,
    cap_reached)
{rows}
ON CONFLICT (claimant_id, year) DO UPDATE SET
    region_id = excluded.region_id,
    settlements = monitoring_personyearrollup.settlements + excluded.settlements,
    assistance = monitoring_personyearrollup.assistance + excluded.assistance,
    personal_burden = monitoring_personyearrollup.personal_burden + excluded.personal_burden,
    cap_reached = monitoring_personyearrollup.cap_reached + excluded.cap_reached
"""

HOSPITAL_SQL = """
INSERT INTO monitoring_hospitalrollup (year, region_id, hospital_id, stays, total_cost, policy_scope_cost)
{rows}
ON CONFLICT (year, region_id, hospital_id) DO UPDATE SET
    stays = monitoring_hospitalrollup.stays + excluded.stays,
    total_cost = monitoring_hospitalrollup.total_cost + excluded.total_cost,
    policy_scope_cost = monitoring_hospitalrollup.policy_scope_cost + excluded.policy_scope_cost
"""


def _add(totals: dict, key: tuple, values: list) -> None:
    """Add ``values`` into the row of ``key`` (one row per key: an upsert may not touch a row twice)."""
    row = totals.get(key)
    totals[key] = values if row is None else [a + b for a, b in zip(row, values, strict=True)]


MONEY = "numeric"
COLUMNS = {
    SETTLEMENT_SQL: (
        ("year", "int"),
        ("month", "int"),
        ("region_id", "varchar"),
        ("category", "varchar"),
        ("visit_type", "varchar"),
        ("settlements", "int"),
        ("assisted", "int"),
        ("cap_reached", "int"),
        ("policy_scope_cost", MONEY),
        ("critical_illness_insurance", MONEY),
        ("assistance", MONEY),
        ("personal_burden", MONEY),
    ),
    TIER_SQL: (
        ("year", "int"),
        ("month", "int"),
        ("region_id", "varchar"),
        ("category", "varchar"),
        ("tier", "varchar"),
        ("amount", MONEY),
    ),
    PERSON_SQL: (
        ("claimant_id", "bigint"),
        ("year", "int"),
        ("region_id", "varchar"),
        ("settlements", "int"),
        ("assistance", MONEY),
        ("personal_burden", MONEY),
        ("cap_reached", "int"),
    ),
    HOSPITAL_SQL: (
        ("year", "int"),
        ("region_id", "varchar"),
        ("hospital_id", "bigint"),
        ("stays", "int"),
        ("total_cost", MONEY),
        ("policy_scope_cost", MONEY),
    ),
}


def apply_settlements(settlements: Sequence[Settlement], sign: int, region_ids: Sequence[str]) -> list[Write]:
    """The writes that add (``sign=1``) or subtract (``sign=-1``) the settlements' figures in every roll-up,
    handed back for the settling services to run (``settlements.history.Write``).

    ``region_ids``: each person's hukou township, in the order of ``settlements``. The figures are summed
    per roll-up row first, so a batch writes each row once: one upsert per roll-up, whatever the number of
    settlements (one statement with the settlement's other writes on PostgreSQL).
    """
    by_month: dict[tuple, list] = {}
    by_tier: dict[tuple, list] = {}
    by_person: dict[tuple, list] = {}
    by_hospital: dict[tuple, list] = {}
    for settlement, region_id in zip(settlements, region_ids, strict=True):
        visit = settlement.visit
        assistance = settlement.assistance
        capped = int(settlement.reason == "cap_reached")
        month = (
            settlement.year,
            settlement.discharged.month,
            region_id,
            settlement.category,
            visit.visit_type,
        )
        _add(
            by_month,
            month,
            [
                sign,
                sign * int(assistance > 0),
                sign * capped,
                sign * settlement.policy_scope_cost,
                sign * settlement.critical_illness_insurance,
                sign * assistance,
                sign * settlement.personal_burden,
            ],
        )
        # The tier rows: those the settling services stored it with, read for a reversal.
        for code, amount in settlement.tier_items():
            _add(by_tier, (*month[:4], code), [sign * amount])
        # The person's row keeps the township of the latest settlement written (``excluded.region_id``).
        person = by_person.get((settlement.claimant_id, settlement.year))
        sums = [sign, sign * assistance, sign * settlement.personal_burden, sign * capped]
        if person is not None:
            sums = [a + b for a, b in zip(person[1:], sums, strict=True)]
        by_person[settlement.claimant_id, settlement.year] = [region_id, *sums]
        if visit.visit_type == VisitType.INPATIENT and settlement.category and visit.hospital_id:
            _add(
                by_hospital,
                (settlement.year, region_id, visit.hospital_id),
                [sign, sign * visit.total_cost, sign * visit.policy_scope_cost],
            )
    if not by_month:
        return []
    parts = [(SETTLEMENT_SQL, by_month), (TIER_SQL, by_tier), (PERSON_SQL, by_person)]
    if by_hospital:
        parts.append((HOSPITAL_SQL, by_hospital))
    writes = []
    for number, (sql, totals) in enumerate(parts):
        # In key order: every writer takes the rows in the same order.
        source, params = rows_source(COLUMNS[sql], [(*key, *totals[key]) for key in sorted(totals)])
        writes.append((f"rollup{number}", sql.format(rows=source).strip(), params))
    return writes


TIER_REBUILD_SQL = """
    INSERT INTO monitoring_tierrollup (year, month, region_id, category, tier, amount)
    SELECT s.year, CAST(strftime_month AS integer), c.hukou_region_id, s.category, t.code, sum(t.amount)
    FROM settlements_settlementtier t
    JOIN settlements_settlement s ON s.id = t.settlement_id
    JOIN claimants_claimant c ON c.id = s.claimant_id
    WHERE s.reversed_at IS NULL
    GROUP BY s.year, strftime_month, c.hukou_region_id, s.category, t.code
"""

REBUILD_SQL = (
    "DELETE FROM monitoring_settlementrollup",
    "DELETE FROM monitoring_tierrollup",
    "DELETE FROM monitoring_personyearrollup",
    "DELETE FROM monitoring_hospitalrollup",
    """
    INSERT INTO monitoring_settlementrollup (year, month, region_id, category, visit_type, settlements, assisted,
        cap_reached, policy_scope_cost, critical_illness_insurance, assistance, personal_burden)
    SELECT s.year, CAST(strftime_month AS integer), c.hukou_region_id, s.category, v.visit_type, count(*),
        sum(CASE WHEN s.assistance > 0 THEN 1 ELSE 0 END),
        sum(CASE WHEN s.reason = 'cap_reached' THEN 1 ELSE 0 END),
        sum(s.policy_scope_cost), sum(s.critical_illness_insurance), sum(s.assistance), sum(s.personal_burden)
    FROM settlements_settlement s
    JOIN settlements_visit v ON v.id = s.visit_id
    JOIN claimants_claimant c ON c.id = s.claimant_id
    WHERE s.reversed_at IS NULL
    GROUP BY s.year, strftime_month, c.hukou_region_id, s.category, v.visit_type
    """,
    TIER_REBUILD_SQL,
    """
    INSERT INTO monitoring_personyearrollup (claimant_id, year, region_id, settlements, assistance,
        personal_burden, cap_reached)
    SELECT s.claimant_id, s.year, min(c.hukou_region_id), count(*), sum(s.assistance), sum(s.personal_burden),
        sum(CASE WHEN s.reason = 'cap_reached' THEN 1 ELSE 0 END)
    FROM settlements_settlement s
    JOIN claimants_claimant c ON c.id = s.claimant_id
    WHERE s.reversed_at IS NULL
    GROUP BY s.claimant_id, s.year
    """,
    """
    INSERT INTO monitoring_hospitalrollup (year, region_id, hospital_id, stays, total_cost, policy_scope_cost)
    SELECT s.year, c.hukou_region_id, v.hospital_id, count(*), sum(v.total_cost), sum(v.policy_scope_cost)
    FROM settlements_settlement s
    JOIN settlements_visit v ON v.id = s.visit_id
    JOIN claimants_claimant c ON c.id = s.claimant_id
    WHERE s.reversed_at IS NULL AND v.visit_type = 'inpatient' AND s.category <> '' AND v.hospital_id IS NOT NULL
    GROUP BY s.year, c.hukou_region_id, v.hospital_id
    """,
)


@transaction.atomic
def rebuild() -> None:
    """Recompute every roll-up from the settlements in force, the alerts and the applications (after a bulk
    load or a restore)."""
    month = (
        "EXTRACT(MONTH FROM s.discharged)"
        if connection.vendor == "postgresql"
        else "strftime('%%m', s.discharged)"
    )
    with connection.cursor() as cursor:
        for statement in REBUILD_SQL:
            cursor.execute(statement.replace("strftime_month", month), [])
    casework.rebuild()
