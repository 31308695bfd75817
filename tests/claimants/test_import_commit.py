"""Committing a staged certification import: the rows written as previewed, with new people and history,
checked again against what changed since the preview; once only; the PostgreSQL fast path."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import ProtectedError

from claimants import idnumbers, imports
from claimants.errors import ImportBatchError
from claimants.models import Certification, Claimant, ImportBatch
from core.errors import DomainError
from tests.claimants.support import csv_bytes, number, stage
from tests.conftest import plan_of_query_on, require_postgresql

pytestmark = pytest.mark.django_db


def test_valid_rows_are_previewed_without_writing_then_committed_with_new_persons(civil_officer):
    content = csv_bytes(
        [
            ["王芳", number(1), "510703001", "dibao", "DB001", "2023-01-01", "", "首次"],
            ["李强", number(2), "510703001", "低保边缘家庭成员", "", "2023/02/01", "2024-01-31", ""],
        ]
    )
    batch = stage(content, civil_officer)
    assert (batch.rows_total, batch.rows_valid, batch.rows_invalid) == (2, 2, 0)
    assert not Certification.objects.exists()
    assert not Claimant.objects.exists()

    batch = imports.commit(batch=batch, by=civil_officer)

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_created, batch.persons_created) == (2, 2)
    wang = Claimant.objects.get(id_number=number(1))
    assert wang.name == "王芳"
    assert wang.hukou_region_id == "510703001"
    cert = wang.certifications.get()
    assert (cert.category, cert.department, cert.source) == ("dibao", "civil_affairs", "import")
    assert cert.import_batch == batch
    assert cert.created_by == civil_officer
    assert Certification.objects.get(claimant__name="李强").valid_to == dt.date(2024, 1, 31)
    history = cert.history.get()
    assert history.history_user == civil_officer
    assert f"#{batch.pk}" in history.history_change_reason


def test_reimporting_the_same_file_changes_nothing(civil_officer):
    content = csv_bytes([["王芳", number(1), "510703001", "dibao", "DB001", "2023-01-01", "", ""]])
    imports.commit(batch=stage(content, civil_officer), by=civil_officer)

    second = imports.commit(batch=stage(content, civil_officer), by=civil_officer)

    assert (second.rows_unchanged, second.rows_created, second.persons_created) == (1, 0, 0)
    assert Certification.objects.count() == 1
    assert Claimant.objects.count() == 1


def test_committed_batch_cannot_be_committed_again(civil_officer):
    batch = stage(
        csv_bytes([["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )
    imports.commit(batch=batch, by=civil_officer)
    with pytest.raises(DomainError) as excinfo:
        imports.commit(batch=batch, by=civil_officer)
    assert excinfo.value.code == ImportBatchError.NOT_STAGED
    assert Certification.objects.count() == 1


def test_commit_validates_again_when_a_certification_was_added_since_the_preview(
    civil_officer, claimant_factory, certification_factory
):
    person = claimant_factory(name="赵六")
    batch = stage(
        csv_bytes([["赵六", person.id_number, "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )
    assert batch.rows_invalid == 0
    certification_factory(claimant=person, valid_from=dt.date(2022, 1, 1))  # entered by hand meanwhile

    batch = imports.commit(batch=batch, by=civil_officer)

    assert (batch.rows_created, batch.rows_invalid) == (0, 1)
    assert "重叠" in batch.report[0]["errors"][0]
    assert person.certifications.count() == 1


def test_a_person_registered_since_the_preview_is_not_registered_twice(civil_officer, claimant_factory):
    batch = stage(
        csv_bytes([["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )
    registered = claimant_factory(name="王芳", id_number=number(1))

    batch = imports.commit(batch=batch, by=civil_officer)

    assert (batch.rows_created, batch.persons_created) == (1, 0)
    assert registered.certifications.get().category == "dibao"
    assert Claimant.objects.count() == 1


def test_commit_writes_the_rows_as_previewed_when_nothing_changed(civil_officer):
    batch = stage(
        csv_bytes([["王芳", number(1), "510703001", "dibao", "DB1", "2023-01-01", "2024-12-31", "备"]]),
        civil_officer,
    )
    # The kept rows are written, not the file read again: a file changed in storage is not read.
    ImportBatch.objects.filter(pk=batch.pk).update(content=b"not a spreadsheet")

    batch = imports.commit(batch=batch, by=civil_officer)

    cert = Certification.objects.get(import_batch=batch)
    assert (cert.claimant.name, cert.claimant.sex, cert.claimant.birth_date) == (
        "王芳",
        "M",  # sequence 001: odd
        dt.date(1970, 1, 2),
    )
    assert (cert.certificate_number, cert.valid_from, cert.valid_to, cert.note) == (
        "DB1",
        dt.date(2023, 1, 1),
        dt.date(2024, 12, 31),
        "备",
    )
    assert ImportBatch.objects.get(pk=batch.pk).staged == b""


def test_commit_by_an_officer_of_another_department_validates_again(civil_officer, rural_officer):
    batch = stage(
        csv_bytes([["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )

    batch = imports.commit(batch=batch, by=rural_officer)

    assert (batch.rows_created, batch.rows_invalid) == (0, 1)
    assert "部门" in batch.report[0]["errors"][0]


def test_bulk_insert_writes_one_history_row_per_row_with_user_and_reason(civil_officer):
    rows = [
        {
            "name": name,
            "id_number": number(seq),
            "sex": idnumbers.parse(number(seq)).sex,
            "birth_date": idnumbers.parse(number(seq)).birth_date,
            "hukou_region_id": "510703001",
            "insured_region_id": "510703001",
            "scheme": "resident",
        }
        for seq, name in ((1, "王芳"), (2, "李强"))
    ]

    keys = imports.bulk_insert(Claimant, rows, history_user=civil_officer, history_reason="导入批次 #7")

    history = Claimant.history.filter(id__in=keys).order_by("id")
    assert [(h.id, h.name, h.id_number, h.hukou_region_id, h.history_type) for h in history] == [
        (keys[0], "王芳", number(1), "510703001", "+"),
        (keys[1], "李强", number(2), "510703001", "+"),
    ]
    assert {(h.history_user_id, h.history_change_reason) for h in history} == {
        (civil_officer.pk, "导入批次 #7")
    }


@pytest.mark.postgres
def test_postgresql_fast_path_imports_a_mixed_file_with_its_history_and_reimports_nothing(
    civil_officer, claimant_factory
):
    require_postgresql()
    known = [claimant_factory(name=f"已{i}") for i in range(40)]
    rows = [
        [p.name, p.id_number, "510703001", "dibao", f"K{i}", "2023-01-01", "", ""]
        for i, p in enumerate(known)
    ]
    rows += [
        [f"新{i}", number(100 + i), "510703001", "marginal", "", "2023-02-01", "2024-01-31", ""]
        for i in range(60)
    ]
    content = csv_bytes(rows)

    batch = imports.commit(batch=stage(content, civil_officer), by=civil_officer)

    assert (batch.rows_created, batch.persons_created) == (100, 60)
    certifications = Certification.objects.filter(import_batch=batch)
    history = Certification.history.filter(import_batch=batch)
    assert sorted(history.values_list("id", "claimant_id", "category", "valid_from", "valid_to")) == sorted(
        certifications.values_list("id", "claimant_id", "category", "valid_from", "valid_to")
    )
    assert set(history.values_list("history_user_id", "history_type")) == {(civil_officer.pk, "+")}
    new_people = Claimant.objects.filter(name__startswith="新")
    assert Claimant.history.filter(id__in=new_people.values("id"), history_type="+").count() == 60
    again = imports.commit(batch=stage(content, civil_officer), by=civil_officer)
    assert (again.rows_unchanged, again.rows_created, again.persons_created) == (100, 0, 0)


def test_a_batch_or_an_officer_with_imported_certifications_cannot_be_deleted(civil_officer):
    batch = imports.commit(
        batch=stage(
            csv_bytes([["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer
        ),
        by=civil_officer,
    )

    with pytest.raises(ProtectedError):
        batch.delete()
    with pytest.raises(ProtectedError):
        civil_officer.delete()
    assert Certification.objects.get(import_batch=batch).created_by == civil_officer


@pytest.mark.postgres
def test_array_parameter_reads_back_as_the_values_it_was_made_of():
    require_postgresql()
    texts = ['a"b', "c\\d", "e,f", "{g}", "NULL", " h ", "测试", ""]
    (text_sql, text_array), (int_sql, int_array) = (
        imports.array_parameter(texts),
        imports.array_parameter([3, 1]),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {text_sql}, {int_sql}", [text_array, int_array])
        assert cursor.fetchone() == (texts, [3, 1])


@pytest.mark.postgres
def test_lookup_by_many_id_numbers_matches_whole_numbers_only(claimant_factory):
    require_postgresql()
    person = claimant_factory()
    longer = person.id_number + "00"  # cut to the column's 18 characters, it would match

    found = Claimant.objects.filter(imports.AnyOf("id_number", [longer, "x"]))
    assert list(found) == []
    assert list(Claimant.objects.filter(imports.AnyOf("id_number", [person.id_number]))) == [person]


def test_probe_finds_the_rows_of_each_key_with_the_fields_asked_for(claimant_factory, certification_factory):
    person, other = claimant_factory(), claimant_factory()
    certification_factory(claimant=person, category="dibao")
    certification_factory(claimant=person, category="monitored_rural")
    people = Claimant.objects.values("id", "id_number", "hukou_region__jurisdiction")
    quoted = ['it\'s "x"', "back\\slash", person.id_number + "00"]  # never matches part of a number

    found = imports.probe(people, "id_number", [person.id_number, *quoted])
    assert found == [
        {"id": person.pk, "id_number": person.id_number, "hukou_region__jurisdiction": "mianyang"}
    ]
    held = imports.probe(Certification.objects.values("claimant_id", "category"), "claimant_id", [person.pk])
    assert sorted(c["category"] for c in held) == ["dibao", "monitored_rural"]
    assert imports.probe(people, "id_number", []) == []
    assert imports.probe(people, "id", [other.pk])[0]["id_number"] == other.id_number
    with pytest.raises(ValueError, match="values"):
        imports.probe(Claimant.objects.all(), "id_number", [person.id_number])


@pytest.mark.postgres
def test_probe_looks_each_key_up_by_its_index_however_many_keys_a_file_holds(claimant_factory):
    """As ``id_number = ANY(<100,000 numbers>)`` the planner read the whole table (in parallel processes on
    a large one); each key is now one probe of the unique index."""
    require_postgresql()
    from django.test.utils import CaptureQueriesContext

    person = claimant_factory()
    numbers = sorted({person.id_number, *(f"{n:018d}" for n in range(100_000))})
    with CaptureQueriesContext(connection) as queries:
        assert len(imports.probe(Claimant.objects.values("id"), "id_number", numbers)) == 1
    plan = plan_of_query_on(queries, "claimants_claimant")
    assert "claimants_claimant_id_number_key" in plan
    assert "Seq Scan on claimants_claimant" not in plan
