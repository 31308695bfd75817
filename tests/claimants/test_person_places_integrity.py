"""A person's household-registration and insured places are always regions of the divisions. The ORM
refuses deleting a region that people name (PROTECT); on PostgreSQL the database keeps it too, with triggers
instead of per-row foreign keys (claimants migration 0016)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from claimants.models import Claimant, Region

pytestmark = pytest.mark.django_db

NOWHERE = "999999999"


def sql(statement: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_region_people_name_is_kept_and_a_person_of_no_region_is_refused(claimant_factory):
    person = claimant_factory()
    place = Region.objects.get(code=person.hukou_region_id)
    with pytest.raises(ProtectedError):
        place.delete()
    if connection.vendor != "postgresql":
        return  # SQLite (the demo): the ORM's PROTECT alone
    with pytest.raises(IntegrityError, match="still named by people"):
        sql("DELETE FROM claimants_region WHERE code = %s", [place.code])
    with pytest.raises(IntegrityError, match="still named by people"):
        sql("UPDATE claimants_region SET code = %s WHERE code = %s", [NOWHERE, person.insured_region_id])
    for column in ("hukou_region_id", "insured_region_id"):
        with pytest.raises(IntegrityError, match=f"names region {NOWHERE}, which does not exist"):
            sql(f"UPDATE claimants_claimant SET {column} = %s WHERE id = %s", [NOWHERE, person.pk])  # noqa: S608
    good = Claimant.objects.get(pk=person.pk)
    good.pk, good.id_number = None, "11010519491231002X"
    bad = Claimant.objects.get(pk=person.pk)
    bad.pk, bad.id_number, bad.insured_region_id = None, "110105194912310021", NOWHERE
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        Claimant.objects.bulk_create([good, bad])  # one INSERT statement: refused whole
    assert list(Claimant.objects.values_list("pk", flat=True)) == [person.pk]
    person.refresh_from_db()
    assert Region.objects.filter(code=person.hukou_region_id).exists()
    unused = Region.objects.create(code=NOWHERE, name="无人区划", level=Region.Level.TOWNSHIP)
    sql("DELETE FROM claimants_region WHERE code = %s", [unused.code])
    assert not Region.objects.filter(code=NOWHERE).exists()
