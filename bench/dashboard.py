"""The managers' dashboard on a synthetic city: ``python -m bench dashboard [--scale small|full]``.

full: 1,000,000 people and 10,000,000 visits of one year (``monitoring.synthetic``, generated inside
PostgreSQL), plus, in bulk: settlements of the non-general visits of one person in ten (about 200,000),
inpatient stays at 40 hospitals, 20,000 applications in every step with the events of their way there (about
75,000, at random times of day) and 100,000 high-cost alerts (twelve monthly pushes to both departments, half
of them answered). The roll-ups are then rebuilt from those rows, as ``rollups.rebuild()`` does after a bulk
load.
Times ``REQUESTS`` full page loads of the dashboard (every panel, city scope and one county) through
Django's test client as a city manager, after one warm-up, and reports ``p95_ms`` (target < 300 ms).
Everything created is deleted at the end, and the roll-ups rebuilt from the settlements left.
"""

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.urls import reverse

from bench import progress
from claimants.models import Region, User
from monitoring import synthetic
from monitoring.dashboards import casework, rollups
from settlements.models import Hospital, PolicyYear

SCALES = {"small": (100_000, 1_000_000), "full": (1_000_000, 10_000_000)}
YEAR = 2023
REQUESTS = 40
HOSPITAL_PREFIX = "BENCHDASH"
USERNAME = "bench_dashboard_manager"
CATEGORIES = ("dibao", "destitute", "monitored_rural", "marginal", "illness_impoverished", "orphan")

# The two tiers of a Mianyang settlement (医疗救助 and 倾斜救助), as SQL of its visit ``v``.
REGULAR_SQL = (
    "round((v.policy_scope_cost - v.basic_insurance_paid - coalesce(v.critical_illness_paid, 0)) * 0.6, 2)"
)
TILTED_SQL = (
    "CASE WHEN v.visit_type = 'inpatient' THEN round((v.policy_scope_cost - v.basic_insurance_paid) * 0.05, 2) "
    "ELSE 0 END"
)

SETTLEMENTS_SQL = f"""
INSERT INTO settlements_settlement (visit_id, claimant_id, year, discharged, policy_year_id, policy_version, category,
    reason, pool, fund, policy_scope_cost, basic_insurance_paid, critical_illness_insurance, assistance,
    personal_burden, explanation, deltas, out_of_order, settled_at, reversal_reason)
SELECT v.id, v.claimant_id, v.year, v.discharged, %(policy_year)s, 1, (%(categories)s::text[])[1 + v.claimant_id %% 6],
    CASE WHEN v.policy_scope_cost > 100000 THEN 'cap_reached' ELSE '' END, 'shared', 'medical_assistance',
    v.policy_scope_cost,
    v.basic_insurance_paid, coalesce(v.critical_illness_paid, 0),
    {REGULAR_SQL} + {TILTED_SQL},
    round((v.policy_scope_cost - v.basic_insurance_paid - coalesce(v.critical_illness_paid, 0)) * 0.4, 2)
       - {TILTED_SQL},
    '[]', '{{}}', false, now(), ''
FROM settlements_visit v JOIN claimants_claimant c ON c.id = v.claimant_id
WHERE c.id_number LIKE '99%%' AND v.claimant_id %% 10 = 0 AND v.visit_type <> 'outpatient_general'
"""

# Each settlement's tier rows.
TIERS_SQL = f"""
INSERT INTO settlements_settlementtier (settlement_id, position, code, name, amount, fund)
SELECT s.id, t.position, t.code, t.name, CASE t.position WHEN 0 THEN {REGULAR_SQL} ELSE {TILTED_SQL} END, s.fund
FROM settlements_settlement s JOIN settlements_visit v ON v.id = s.visit_id
JOIN claimants_claimant c ON c.id = s.claimant_id
CROSS JOIN (VALUES (0, 'medical_assistance', '医疗救助'), (1, 'tilted_assistance', '倾斜救助')) AS t(position, code, name)
WHERE c.id_number LIKE '99%%'
"""

HOSPITALS_SQL = """
UPDATE settlements_visit v SET hospital_id = h.id
FROM settlements_hospital h
WHERE v.visit_type = 'inpatient' AND v.claimant_id %% 10 = 0 AND h.code = %(prefix)s || (v.claimant_id %% 40)
  AND v.claimant_id IN (SELECT id FROM claimants_claimant WHERE id_number LIKE '99%%')
"""

# One person in fifty applies, in every state of the workflow; open steps are due 20 days after submission.
APPLICATIONS_SQL = """
INSERT INTO settlements_assistanceapplication (kind, claimant_id, region_id, state, requested_category,
    referred_department, submitted_on, aid_year, statement, due_on, assessment, payment_reference, created_by_id,
    created_at, updated_at)
SELECT 'certification', id, hukou_region_id, state, 'marginal', '', submitted_on, %(year)s, '',
    CASE WHEN state IN ('closed', 'refused') THEN NULL ELSE submitted_on + 20 END, '[]', '', %(user)s, now(), now()
FROM (
    SELECT c.id, c.hukou_region_id, date %(start)s + (c.id %% 300)::int AS submitted_on,
        (ARRAY['submitted','accepted','referred','certified','approved','paid','closed','refused'])[1 + (c.id / 50) %% 8]
            AS state
    FROM claimants_claimant c WHERE c.id_number LIKE '99%%' AND c.id %% 50 = 7
) AS people
"""

# Each application's timeline is the path of the workflow to its state, one event per action, the n-th one at a
# random moment 2n + 0.3 to 2n + 1.5 days after submission: step times are all distinct, as real ones are.
EVENTS_SQL = """
INSERT INTO settlements_caseevent (application_id, kind, actor_id, at, from_state, to_state, reason, data)
SELECT a.id, p.kind, %(user)s,
       a.submitted_on + (p.n * 2 + 0.3 + random() * 1.2) * interval '1 day',
       p.from_state, p.to_state, '', '{{}}'
FROM settlements_assistanceapplication a
JOIN (VALUES {path}) AS p(state, n, kind, from_state, to_state) ON p.state = a.state
WHERE a.created_by_id = %(user)s
"""
STEPS = ("submitted", "accepted", "referred", "certified", "approved", "paid", "closed")


def _paths() -> str:
    """``(state, n, kind, from, to)`` rows: every event on the way to each state the generator uses."""
    rows = []
    for state in (*STEPS, "refused"):
        path = STEPS[: STEPS.index(state) + 1] if state in STEPS else ("submitted", state)
        for n, to_state in enumerate(path):
            kind = "registered" if n == 0 else to_state
            rows.append(f"('{state}', {n}, '{kind}', '{path[n - 1] if n else ''}', '{to_state}')")
    return ", ".join(rows)


ALERTS_SQL = """
INSERT INTO monitoring_highcostalert (claimant_id, period, department, county_id, hukou_region_id, insured_region_id,
    amount, threshold, kind, category_held, disposition, created_at, result, reason, answered_at)
SELECT c.id, make_date(%(year)s, (1 + c.id %% 12)::int, 1), d.department, substr(c.hukou_region_id, 1, 6),
    c.hukou_region_id, c.insured_region_id, 20000, 16500, 'impoverished', '', 'pushed',
    make_date(%(year)s, (1 + c.id %% 12)::int, 1) + interval '1 month',
    CASE c.id %% 4 WHEN 0 THEN 'certified' WHEN 1 THEN 'not_eligible' ELSE '' END, '',
    CASE WHEN c.id %% 4 < 2 THEN make_date(%(year)s, (1 + c.id %% 12)::int, 1) + interval '50 days' END
FROM claimants_claimant c
CROSS JOIN (VALUES ('civil_affairs'), ('rural_revitalization')) AS d(department)
WHERE c.id_number LIKE '99%%' AND c.id %% 20 = 3
"""

CLEANUP_SQL = (
    "DELETE FROM settlements_caseevent WHERE actor_id = %(user)s",
    "DELETE FROM settlements_assistanceapplication WHERE created_by_id = %(user)s",
    """DELETE FROM settlements_settlementtier WHERE settlement_id IN (SELECT s.id FROM settlements_settlement s
       JOIN claimants_claimant c ON c.id = s.claimant_id WHERE c.id_number LIKE '99%%')""",
    """DELETE FROM settlements_settlement
       WHERE claimant_id IN (SELECT id FROM claimants_claimant WHERE id_number LIKE '99%%')""",
    """UPDATE settlements_visit SET hospital_id = NULL
       WHERE hospital_id IN (SELECT id FROM settlements_hospital WHERE code LIKE %(prefix)s || '%%')""",
)


def _execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _load(people: int, visits: int, policy_year: PolicyYear, user: User) -> dict:
    synthetic.create_city(people=people, visits=visits, year=YEAR)
    Hospital.objects.bulk_create(
        Hospital(code=f"{HOSPITAL_PREFIX}{i}", name=f"合成医院{i}", region_id="510703") for i in range(40)
    )
    params = {
        "policy_year": policy_year.pk,
        "categories": list(CATEGORIES),
        "prefix": HOSPITAL_PREFIX,
        "user": user.pk,
        "year": YEAR,
        "start": dt.date(YEAR, 1, 1).isoformat(),
    }
    _execute(HOSPITALS_SQL, params)
    counts = {"settlements": _execute(SETTLEMENTS_SQL, params)}
    _execute(TIERS_SQL, params)
    counts["applications"] = _execute(APPLICATIONS_SQL, params)
    counts["case_events"] = _execute(EVENTS_SQL.format(path=_paths()), params)
    counts["alerts"] = _execute(ALERTS_SQL, params)
    rollups.rebuild()
    synthetic.vacuum_analyze()
    with connection.cursor() as cursor:
        for table in (
            "settlements_settlement",
            "settlements_settlementtier",
            "settlements_assistanceapplication",
            "settlements_caseevent",
            "monitoring_highcostalert",
            "monitoring_settlementrollup",
            "monitoring_tierrollup",
            "monitoring_personyearrollup",
            "monitoring_hospitalrollup",
            "monitoring_alertrollup",
            "monitoring_applicationrollup",
            "monitoring_applicationstep",
            "monitoring_steprollup",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return counts


def measure(user: User, requests: int = REQUESTS) -> list[float]:
    """Milliseconds per full dashboard page, alternating the city and one of its counties."""
    client = Client()
    client.force_login(user)
    url = reverse("monitoring:dashboard")
    county = Region.objects.filter(code__startswith=user.region_id, level=Region.Level.COUNTY).order_by(
        "code"
    )[0]
    client.get(url, {"region": user.region_id, "year": YEAR})  # warm-up
    timings = []
    for i in range(requests):
        region = user.region_id if i % 2 == 0 else county.code
        started = time.perf_counter()
        response = client.get(url, {"region": region, "year": YEAR})
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"dashboard answered {response.status_code}")
    return timings


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]


def run(scale: str, *, sizes: tuple[int, int] | None = None, requests: int = REQUESTS) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("the dashboard benchmark needs PostgreSQL: set DATABASE_URL")
    people, visits = sizes or SCALES[scale]
    if not synthetic.township_codes():
        from django.conf import settings

        from claimants.divisions import load_divisions

        load_divisions(settings.SHARED_DIR / "data" / "divisions", only=("5107",))
    policy_year, created_year = PolicyYear.objects.get_or_create(
        jurisdiction="mianyang",
        year=YEAR,
        defaults={
            "effective_from": dt.date(YEAR, 1, 1),
            "income_last_year": Decimal("33000.00"),
        },
    )
    user = User.objects.create(username=USERNAME, role="manager", region_id="5107")
    try:
        progress(f"generating {people:,} people, {visits:,} visits, settlements, applications and alerts")
        started = time.perf_counter()
        counts = _load(people, visits, policy_year, user)
        load_seconds = time.perf_counter() - started
        progress(f"loaded in {load_seconds:.1f} s: {counts}; timing {requests} dashboard pages")
        timings = measure(user, requests)
        return {
            "people": people,
            "visits": visits,
            **counts,
            "load_seconds": round(load_seconds, 1),
            "requests": len(timings),
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(p95(timings), 1),
        }
    finally:
        progress("cleaning up")
        params = {"user": user.pk, "prefix": HOSPITAL_PREFIX}
        for statement in CLEANUP_SQL:
            _execute(statement, params)
        rollups.rebuild()  # from the settlements that are left, before the people go
        synthetic.remove_city()
        casework.rebuild()  # the alerts went with the people
        Hospital.objects.filter(code__startswith=HOSPITAL_PREFIX).delete()
        user.delete()
        if created_year:
            policy_year.delete()
