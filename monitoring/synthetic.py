"""A synthetic city for the monitoring benchmark: people and a year of visits, generated inside PostgreSQL.

``INSERT … SELECT generate_series`` writes millions of rows at COPY speed without moving them through Python.
The load runs in one transaction that first drops the secondary indexes of the two tables and builds them
again at the end (one sort per index instead of millions of random insertions); a failure rolls the whole
thing back, indexes included. Synthetic people are recognisable by their ID numbers, which start with ``99``
(no real province has that code), so ``remove_city`` deletes exactly what ``create_city`` made. People are
spread over the townships of Mianyang at random (a register grows over time, so a county's people are not
one block of ids); one in twenty holds a certification (some expired during the year), so the job's
classification reads real rows; visit amounts are skewed so that a small share of people pass the alert
threshold.
"""

import datetime as dt

from django.db import connection, transaction

from claimants.models import Region
from monitoring import totals

ID_PREFIX = "99"

# Ids come from a block reserved on the table's identity sequence (``reserve_ids``): no nextval per row.
CLAIMANTS_SQL = """
INSERT INTO claimants_claimant (id, name, id_number, sex, birth_date, phone, hukou_region_id, insured_region_id,
                                residence, scheme, relation_to_head, created_at)
SELECT %(first_id)s + g - 1, '合成' || g, %(prefix)s || lpad(g::text, 16, '0'),
       CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, date '1950-01-01' + (g %% 20000), '', code, code, '',
       'resident', '', now()
FROM (SELECT g, (%(townships)s::text[])[1 + floor(random() * %(township_count)s)::int] AS code
      FROM (SELECT generate_series(1, %(people)s) AS g) AS series) AS people
"""

# Every 20th person: dibao (already assisted), monitored_rural (因病返贫), marginal or destitute; a third of
# them expired at mid-year (held before the cut-off: 因病返贫 too).
CERTIFICATIONS_SQL = """
INSERT INTO claimants_certification (claimant_id, category, jurisdiction, department, certificate_number,
                                     valid_from, valid_to, status, source, note, created_at)
SELECT id, (ARRAY['dibao', 'monitored_rural', 'marginal', 'destitute'])[1 + (id / 20) %% 4], 'mianyang',
       CASE WHEN (id / 20) %% 4 = 1 THEN 'rural_revitalization' ELSE 'civil_affairs' END, '',
       date '2020-01-01', CASE WHEN id %% 3 = 0 THEN date %(mid_year)s END, 'active', 'import', '', now()
FROM claimants_claimant
WHERE id BETWEEN %(first_id)s AND %(last_id)s AND id %% 20 = 0
"""

# ``generate_series`` in the select list streams its rows (in FROM it would first materialise all of them).
# Amounts are drawn as whole cents and scaled once: converting a float to numeric costs a microsecond a value.
VISITS_SQL = """
INSERT INTO settlements_visit (id, claimant_id, visit_type, admitted, discharged, year, referral, in_province,
                               in_city, offsite_filed, total_cost, policy_scope_cost, basic_insurance_paid,
                               critical_illness_paid, other_insurance_paid, fully_self_paid, source, created_at)
SELECT id, claimant_id, visit_type, discharged - stay, discharged, %(year)s, 'referred', true, true, false,
       scope + extra, scope, round(scope * basic_rate, 2),
       CASE WHEN visit_type = 'inpatient' AND scope > 20000 THEN round((scope - 20000) * 0.3, 2) END,
       0, extra, 'import', now()
FROM (
    SELECT %(first_id)s + g - 1 AS id,
           %(first_claimant_id)s + floor(random() * %(people)s)::bigint AS claimant_id,
           date %(year_start)s + floor(random() * 365)::int AS discharged,
           floor(random() * 10)::int AS stay,
           CASE WHEN r < 0.80 THEN 'outpatient_general' WHEN r < 0.96 THEN 'outpatient_chronic_special'
                ELSE 'inpatient' END AS visit_type,
           0.01 * CASE WHEN r < 0.80 THEN 2000 + floor(random() * 40000)::int
                       WHEN r < 0.96 THEN 30000 + floor(random() * 300000)::int
                       ELSE 300000 + floor(power(random(), 3) * 15000000)::int END AS scope,
           CASE WHEN r < 0.80 THEN 0.5 WHEN r < 0.96 THEN 0.6 ELSE 0.65 END AS basic_rate,
           0.01 * floor(random() * 20000)::int AS extra
    FROM (SELECT random() AS r, generate_series(1, %(visits)s) AS g) AS draws
) AS v
"""

# Secondary indexes and unique constraints of a table, as statements that build them again. The primary key
# stays (identity values are appended in order) and so does an index that a foreign key depends on.
SECONDARY_INDEXES_SQL = """
SELECT i.relname, c.conname, pg_get_indexdef(x.indexrelid), pg_get_constraintdef(c.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype = 'u'
WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.conindid = x.indexrelid AND f.contype = 'f')
ORDER BY i.relname
"""


def township_codes(city: str = "5107") -> list[str]:
    return list(
        Region.objects.filter(code__startswith=city, level=Region.Level.TOWNSHIP)
        .order_by("code")
        .values_list("code", flat=True)
    )


def _reserve_ids(cursor, table: str, count: int) -> int:
    """Take ``count`` consecutive values of the table's identity sequence at once; return the first."""
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
        [table, table, count],
    )
    return cursor.fetchone()[0] - count + 1


def _drop_secondary_indexes(cursor, table: str) -> list[str]:
    """Drop the table's secondary indexes; return the statements that restore them."""
    cursor.execute(SECONDARY_INDEXES_SQL, [table])
    restore = []
    for index, constraint, index_sql, constraint_sql in cursor.fetchall():
        if constraint:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_sql}')
        else:
            cursor.execute(f'DROP INDEX "{index}"')
            restore.append(index_sql)
    return restore


@transaction.atomic
def create_city(*, people: int, visits: int, year: int) -> dict:
    """Insert ``people`` synthetic claimants of Mianyang and ``visits`` visits discharged in ``year``."""
    townships = township_codes()
    with connection.cursor() as cursor:
        # Every generated visit points at a person generated just before, so the foreign-key triggers (deferred
        # to commit, millions of queued events) are skipped for this transaction only; needs a superuser.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # each index sorted in memory
        restore = [
            *_drop_secondary_indexes(cursor, "claimants_claimant"),
            *_drop_secondary_indexes(cursor, "settlements_visit"),
        ]
        first_claimant = _reserve_ids(cursor, "claimants_claimant", people)
        cursor.execute(
            CLAIMANTS_SQL,
            {
                "first_id": first_claimant,
                "prefix": ID_PREFIX,
                "people": people,
                "townships": townships,
                "township_count": len(townships),
            },
        )
        cursor.execute(
            CERTIFICATIONS_SQL,
            {
                "first_id": first_claimant,
                "last_id": first_claimant + people - 1,
                "mid_year": dt.date(year, 6, 30).isoformat(),
            },
        )
        cursor.execute(
            VISITS_SQL,
            {
                "first_id": _reserve_ids(cursor, "settlements_visit", visits),
                "first_claimant_id": first_claimant,
                "people": people,
                "visits": visits,
                "year": year,
                "year_start": dt.date(year, 1, 1).isoformat(),
            },
        )
        for statement in restore:
            cursor.execute(statement)
    totals.add_people(first_claimant, first_claimant + people - 1)  # the job reads these, not the visits
    return {"people": people, "visits": visits, "first_claimant_id": first_claimant}


def vacuum_analyze() -> None:
    """Fresh statistics and a visibility map, so the planner sees the index-only scans the job relies on."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) settlements_visit")
        cursor.execute("VACUUM (ANALYZE) claimants_claimant")
        cursor.execute("VACUUM (ANALYZE) monitoring_personyeartotal")


# The small tables are walked row by row with a primary-key probe each; the visits with one hash semi-join.
REMOVE_SQL = (
    """DELETE FROM monitoring_highcostalert WHERE carried_from_id IN (SELECT t.id FROM monitoring_highcostalert t
       WHERE EXISTS (SELECT 1 FROM claimants_claimant c WHERE c.id = t.claimant_id AND c.id_number LIKE '99%%'))""",
    """DELETE FROM monitoring_highcostalert t
       WHERE EXISTS (SELECT 1 FROM claimants_claimant c WHERE c.id = t.claimant_id AND c.id_number LIKE '99%%')""",
    """DELETE FROM monitoring_pendinghit t
       WHERE EXISTS (SELECT 1 FROM claimants_claimant c WHERE c.id = t.claimant_id AND c.id_number LIKE '99%%')""",
    """DELETE FROM monitoring_personyeartotal t
       WHERE EXISTS (SELECT 1 FROM claimants_claimant c WHERE c.id = t.claimant_id AND c.id_number LIKE '99%%')""",
    """DELETE FROM claimants_certification t
       WHERE EXISTS (SELECT 1 FROM claimants_claimant c WHERE c.id = t.claimant_id AND c.id_number LIKE '99%%')""",
    """DELETE FROM settlements_visit
       WHERE claimant_id IN (SELECT id FROM claimants_claimant WHERE id_number LIKE '99%%')""",
    "DELETE FROM claimants_historicalclaimant WHERE id_number LIKE '99%%'",  # entries the platform import made
    "DELETE FROM claimants_claimant WHERE id_number LIKE '99%%'",
)


@transaction.atomic
def remove_city() -> int:
    """Delete every synthetic person with their visits, certifications and alerts (and nothing else); return
    how many people. Run ``vacuum_analyze`` after it to hand the space of millions of deleted visits back."""
    with connection.cursor() as cursor:
        # Nothing but these statements' rows refers to the synthetic rows, so the foreign-key triggers (millions
        # of deferred checks at commit, minutes) are skipped here too.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for statement in REMOVE_SQL:
            cursor.execute(statement, [])
        return cursor.rowcount  # the people, deleted last
