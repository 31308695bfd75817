"""Keep the person-year totals (``PersonYearTotal``) equal to the sums over the visits they stand for.

Four ways change what a person's year sums to, and each updates the totals in its own transaction:

- the platform import: ``add_import`` adds the batch's visits, one ``INSERT … SELECT … GROUP BY … ON
  CONFLICT DO UPDATE`` for the lot (``settlements.visit_import.IMPORT_FOLLOWERS``);
- a settlement or a reversal: the 大病 tier a settlement computed for a visit that gave none is deducted
  (``Visit.critical_illness_settled``), and added back when it is reversed: ``apply_settlements``, one
  upsert of the summed changes, which a single settlement runs within its own INSERT statement on PostgreSQL
  (``settlements.services.SETTLEMENT_FOLLOWERS``);
- a visit saved or deleted one at a time (entered by hand, corrected, removed): ``recompute`` sums that
  person's year again (Django signals, connected in ``MonitoringConfig.ready``);
- anything else that writes visits in bulk (a data load, the benchmark's synthetic city): ``rebuild``
  (``manage.py rebuild_person_year_totals``) recomputes the totals from the visits.

The upserts write rows in key order, so concurrent imports take row locks in the same order.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from claimants.models import ImportBatch
from monitoring.models import PersonYearTotal
from settlements.history import Write
from settlements.models import Settlement, Visit

TABLE = PersonYearTotal._meta.db_table
VISITS = Visit._meta.db_table

# What one visit adds to ``self_pay`` (SCENARIOS Clarification 26; Clarification 23 for the supplementary
# insurance), as SQL on the visit's columns, optionally qualified by ``prefix``.
SELF_PAY_SQL = (
    "{p}policy_scope_cost - {p}basic_insurance_paid - COALESCE({p}critical_illness_paid, {p}critical_illness_settled, 0)"
    " - {p}supplementary_paid"
)


def self_pay_sql(prefix: str = "") -> str:
    return SELF_PAY_SQL.format(p=prefix)


def _greatest() -> str:
    return "GREATEST" if connection.vendor == "postgresql" else "MAX"


# The visits selected by {where}, summed per person and year and added to the totals. Names are constants of
# this module and the models; values are parameters.
ADD_SQL = """
INSERT INTO {table} (claimant_id, year, self_pay, fully_self_paid, visits, last_discharged)
SELECT claimant_id, year, SUM({self_pay}), SUM(fully_self_paid), COUNT(*), MAX(discharged)
FROM {visits}
WHERE {where}
GROUP BY claimant_id, year
ORDER BY claimant_id, year
ON CONFLICT (claimant_id, year) DO UPDATE SET
    self_pay = {table}.self_pay + excluded.self_pay,
    fully_self_paid = {table}.fully_self_paid + excluded.fully_self_paid,
    visits = {table}.visits + excluded.visits,
    last_discharged = {greatest}(COALESCE({table}.last_discharged, excluded.last_discharged),
                                 excluded.last_discharged)
"""


def _add(where: str, params: Sequence) -> int:
    sql = ADD_SQL.format(
        table=TABLE, visits=VISITS, self_pay=self_pay_sql(), where=where, greatest=_greatest()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def add_import(batch: ImportBatch) -> None:
    """Add the visits the import batch created (called in the commit's transaction, once they are stored)."""
    _add("import_batch_id = %s", [batch.pk])


def add_people(first_id: int, last_id: int) -> None:
    """Add every visit of the people with keys ``first_id`` to ``last_id`` (a bulk load of new people)."""
    _add("claimant_id BETWEEN %s AND %s", [first_id, last_id])


def apply_settlements(settlements: Sequence[Settlement], sign: int, region_ids: Sequence[str]) -> list[Write]:
    """A settlement (``sign=1``) that computed a 大病 tier for a visit that gave none lowers the person's
    year by that tier; its reversal (``sign=-1``) raises it again. Other settlements change nothing here.
    One upsert, handed back for the settling services to run (``settlements.services.SETTLEMENT_FOLLOWERS``)."""
    changes: dict[tuple[int, int], object] = defaultdict(int)
    for settlement in settlements:
        visit = settlement.visit
        if visit.critical_illness_paid is None and settlement.critical_illness_insurance:
            changes[visit.claimant_id, visit.year] -= sign * settlement.critical_illness_insurance
    if not changes:
        return []
    keys = sorted(changes)
    rows = ", ".join(["(%s, %s, CAST(%s AS NUMERIC), 0, 0)"] * len(keys))
    params = [value for key in keys for value in (*key, changes[key])]
    sql = (
        f"INSERT INTO {TABLE} (claimant_id, year, self_pay, fully_self_paid, visits) VALUES {rows} "  # noqa: S608
        f"ON CONFLICT (claimant_id, year) DO UPDATE SET self_pay = {TABLE}.self_pay + excluded.self_pay"
    )
    return [("person_year_totals", sql, params)]


def recompute(keys: Iterable[tuple[int, int]]) -> None:
    """Sum these people's years again from their visits (a visit saved or deleted one at a time)."""
    for claimant_id, year in sorted(set(keys)):
        PersonYearTotal.objects.filter(claimant_id=claimant_id, year=year).delete()
        _add("claimant_id = %s AND year = %s", [claimant_id, year])


@transaction.atomic
def rebuild(*, year: int | None = None) -> int:
    """Recompute every total (or one year's) from the visits; return how many rows there are now."""
    with connection.cursor() as cursor:
        if year is None:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {TABLE} WHERE year = %s", [year])  # noqa: S608
    return _add("1 = 1" if year is None else "year = %s", [] if year is None else [year])


def _key_before(sender, instance: Visit, **kwargs) -> None:
    """Before a stored visit is saved again: its person and year as stored (they may change)."""
    if instance.pk is not None and not instance._state.adding:
        instance._total_key_before = (
            Visit.objects.filter(pk=instance.pk).values_list("claimant_id", "year").first()
        )


def visit_saved(sender, instance: Visit, **kwargs) -> None:
    keys = {(instance.claimant_id, instance.year)}
    before = getattr(instance, "_total_key_before", None)
    if before is not None:
        keys.add(before)
    recompute(keys)


def visit_deleted(sender, instance: Visit, **kwargs) -> None:
    recompute([(instance.claimant_id, instance.year)])


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(_key_before, sender=Visit, dispatch_uid="person_year_total_key_before")
    post_save.connect(visit_saved, sender=Visit, dispatch_uid="person_year_total_visit_saved")
    post_delete.connect(visit_deleted, sender=Visit, dispatch_uid="person_year_total_visit_deleted")
