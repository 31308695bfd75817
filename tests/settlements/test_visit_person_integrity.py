"""A visit always names a person of the registry. The ORM refuses deleting a person whom visits name
(PROTECT); on PostgreSQL the database keeps it too, with triggers instead of a per-row foreign key
(settlements migration 0022): raw SQL cannot add a visit of nobody nor delete a person with visits, even
when the two run at the same time on two connections."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import ProtectedError

from claimants.models import Claimant
from settlements.models import Visit
from tests.conftest import require_postgresql

NOBODY = 10**12


def sql(statement: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_a_person_with_visits_is_kept_and_a_visit_of_nobody_is_refused(claimant_factory, visit_factory):
    person = claimant_factory()
    visit = visit_factory(claimant=person)
    with pytest.raises(ProtectedError):
        Claimant.objects.get(pk=person.pk).delete()
    if connection.vendor != "postgresql":
        return  # SQLite (the demo): the ORM's PROTECT alone
    with pytest.raises(IntegrityError, match="still named by visits"):
        sql("DELETE FROM claimants_claimant WHERE id = %s", [person.pk])
    with pytest.raises(IntegrityError, match="still named by visits"):
        sql("UPDATE claimants_claimant SET id = %s WHERE id = %s", [NOBODY, person.pk])
    with pytest.raises(IntegrityError, match=f"names person {NOBODY}, who is not in the registry"):
        sql("UPDATE settlements_visit SET claimant_id = %s WHERE id = %s", [NOBODY, visit.pk])
    good, bad = Visit.objects.get(pk=visit.pk), Visit.objects.get(pk=visit.pk)
    good.pk, good.settlement_ref = None, "GOOD-1"
    bad.pk, bad.settlement_ref, bad.claimant_id = None, "NOBODY-1", NOBODY
    with pytest.raises(IntegrityError, match="not in the registry"), transaction.atomic():
        bad.save()
    with pytest.raises(IntegrityError, match="not in the registry"), transaction.atomic():
        Visit.objects.bulk_create([good, bad])  # one INSERT statement: refused whole
    assert list(Visit.objects.values_list("claimant_id", flat=True)) == [person.pk]
    visitless = claimant_factory()
    sql("DELETE FROM claimants_claimant WHERE id = %s", [visitless.pk])
    assert not Claimant.objects.filter(pk=visitless.pk).exists()


def _in_thread(body, outcome: dict, key: str) -> threading.Thread:
    def run():
        try:
            outcome[key] = body()
        except IntegrityError as error:
            outcome[key] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deleting_a_person_waits_for_a_transaction_adding_their_visit_then_is_refused(
    claimant_factory, visit_factory
):
    require_postgresql()
    person = claimant_factory()
    added, outcome = threading.Event(), {}

    def add_a_visit_and_hold():
        with transaction.atomic():
            visit_factory(claimant=person)
            added.set()
            time.sleep(0.5)  # the delete below is now waiting
        return "committed"

    def delete_the_person():
        added.wait(5)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM claimants_claimant WHERE id = %s", [person.pk])
        return "deleted"

    threads = [
        _in_thread(add_a_visit_and_hold, outcome, "add"),
        _in_thread(delete_the_person, outcome, "delete"),
    ]
    for thread in threads:
        thread.join(10)
    assert outcome["add"] == "committed"
    assert isinstance(outcome["delete"], IntegrityError)
    assert "still named by visits" in str(outcome["delete"])
    assert Visit.objects.filter(claimant_id=person.pk).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_visit_added_while_its_person_is_being_deleted_waits_then_is_refused(
    claimant_factory, visit_factory
):
    require_postgresql()
    person, other = claimant_factory(), claimant_factory()
    template = visit_factory(claimant=other)
    deleted, outcome = threading.Event(), {}

    def delete_and_hold():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM claimants_claimant WHERE id = %s", [person.pk])
            deleted.set()
            time.sleep(0.5)  # the insert below is now waiting
        return "deleted"

    def add_a_visit():
        deleted.wait(5)
        visit = Visit.objects.get(pk=template.pk)
        visit.pk, visit.settlement_ref, visit.claimant_id = None, "RACE-1", person.pk
        with transaction.atomic():
            visit.save()
        return "added"

    threads = [_in_thread(delete_and_hold, outcome, "delete"), _in_thread(add_a_visit, outcome, "add")]
    for thread in threads:
        thread.join(10)
    assert outcome["delete"] == "deleted"
    assert isinstance(outcome["add"], IntegrityError)
    assert "not in the registry" in str(outcome["add"])
    assert not Visit.objects.filter(settlement_ref="RACE-1").exists()
