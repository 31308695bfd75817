import datetime as dt
import io
from unittest import mock

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from claimants import idnumbers, imports
from claimants.certification_import import KIND
from claimants.errors import ImportBatchError
from claimants.models import Certification, Claimant, ImportBatch, Region
from core.errors import DomainError
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "户籍地区划代码", "认定类别", "证书编号", "有效期起", "有效期止", "备注"]


def csv_bytes(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def number(seq: int, region="510703") -> str:
    return idnumbers.build(region, dt.date(1970, 1, 1) + dt.timedelta(days=seq), seq)


def stage(content, by, name="civil.csv"):
    return imports.stage(kind=KIND, file_name=name, content=content, by=by)


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


def test_each_bad_row_gets_its_own_error_and_only_valid_rows_are_committed(civil_officer, claimant_factory):
    person = claimant_factory(name="赵六")
    Certification.objects.create(
        claimant=person,
        category="dibao",
        jurisdiction="mianyang",
        department="civil_affairs",
        valid_from=dt.date(2022, 1, 1),
    )
    content = csv_bytes(
        [
            ["好人", number(10), "510703001", "dibao", "", "2023-01-01", "", ""],  # line 2: valid
            ["坏号", "36042619910102009X", "510703001", "dibao", "", "2023-01-01", "", ""],  # 3
            ["无类", number(11), "510703001", "vip", "", "2023-01-01", "", ""],  # 4
            ["赵六", person.id_number, "510703001", "dibao", "", "2023-01-01", "", ""],  # 5 overlap
            ["无区", number(12), "999999999", "dibao", "", "2023-01-01", "", ""],  # 6
            ["坏日", number(13), "510703001", "dibao", "", "2023-13-01", "", ""],  # 7
            ["空\x00字", number(14), "510703001", "dibao", "", "2023-01-01", "", ""],  # 8
            ["好人", number(10), "510703001", "dibao", "", "2023-06-01", "", ""],  # 9 overlaps line 2
            ["乡村", number(15), "510703001", "monitored_rural", "", "2023-01-01", "", ""],  # 10 other dept
        ]
    )
    batch = stage(content, civil_officer)
    errors = {r["line"]: " ".join(r["errors"]) for r in batch.report if r["errors"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "校验位" in errors[3]
    assert "未知的认定类别" in errors[4]
    assert "重叠" in errors[5]
    assert "区划代码不存在" in errors[6]
    assert "有效期起" in errors[7]
    assert "NUL" in errors[8]
    assert "第 2 行" in errors[9]
    assert "部门" in errors[10]

    batch = imports.commit(batch=batch, by=civil_officer)
    assert batch.rows_created == 1
    assert list(
        Certification.objects.filter(import_batch=batch).values_list("claimant__name", flat=True)
    ) == ["好人"]


def test_legacy_15_digit_number_is_upgraded_and_flagged(civil_officer):
    legacy = "510703700101001"  # 1970-01-01, sequence 001
    batch = stage(
        csv_bytes([["老号", legacy, "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )
    assert batch.rows_invalid == 0
    assert "15位" in batch.report[0]["warnings"][0]
    imports.commit(batch=batch, by=civil_officer)
    assert Claimant.objects.get(name="老号").id_number == idnumbers.parse(legacy, allow_legacy=True).number


def test_unknown_region_code_inside_an_id_number_is_a_warning_not_an_error(civil_officer):
    odd = idnumbers.build("519999", dt.date(1980, 5, 5), 11)
    batch = stage(csv_bytes([["旧码", odd, "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer)
    assert batch.rows_invalid == 0
    assert batch.report[0]["warnings"]


def test_rows_outside_the_officers_region_are_refused(make_staff):
    officer = make_staff("civil_affairs_officer", "510704")
    batch = stage(csv_bytes([["外地", number(3), "510703001", "dibao", "", "2023-01-01", "", ""]]), officer)
    assert "管辖" in batch.report[0]["errors"][0]


def test_xlsx_with_date_cells_is_read(civil_officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["王芳", number(1), 510703001, "低保对象", "X1", dt.datetime(2023, 3, 1), None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = stage(buffer.getvalue(), civil_officer, name="民政.xlsx")
    assert batch.rows_invalid == 0
    imports.commit(batch=batch, by=civil_officer)
    assert Certification.objects.get().valid_from == dt.date(2023, 3, 1)


def test_xlsx_report_gives_the_spreadsheets_own_line_numbers(civil_officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([])  # a blank line 2, skipped
    sheet.append(["王芳", number(1), "510703001", "dibao", "", dt.date(2023, 3, 1), None, None])
    sheet.append(["李强", "51070319700101001", "510703001", "dibao", "", "2023-03-01", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = stage(buffer.getvalue(), civil_officer, name="民政.xlsx")

    assert (batch.rows_total, batch.rows_valid) == (2, 1)
    assert [entry["line"] for entry in batch.report] == [4]
    assert "18位" in batch.report[0]["errors"][0]


def test_a_damaged_xlsx_is_refused_with_a_reason(civil_officer):
    with pytest.raises(DomainError) as refused:
        stage(b"PK\x03\x04 not really a workbook", civil_officer, name="民政.xlsx")
    assert refused.value.code == ImportBatchError.UNREADABLE_FILE
    assert not ImportBatch.objects.exists()


def test_file_without_required_columns_is_refused(civil_officer):
    with pytest.raises(DomainError) as excinfo:
        stage(csv_bytes([["王芳", number(1)]], header=["姓名", "身份证号"]), civil_officer)
    assert excinfo.value.code == ImportBatchError.MISSING_COLUMNS


def test_a_title_above_the_header_is_skipped_and_lines_keep_their_numbers(civil_officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["涪城区2024年1月低保对象认定名单"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(["王芳", number(1), "510703001", "dibao", "", "2024-01-01", None, None])
    sheet.append(["李强", number(2), "510703001", "没有的类别", "", "2024-01-01", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = stage(buffer.getvalue(), civil_officer, name="民政.xlsx")

    assert (batch.rows_total, batch.rows_valid) == (2, 1)
    assert [entry["line"] for entry in batch.report] == [5]


def test_a_missing_column_is_named_from_the_row_closest_to_a_header(civil_officer):
    content = "\n".join(["低保名单", ",".join(HEADER[:3] + HEADER[4:]), ",".join(["王芳", number(1)])])
    with pytest.raises(DomainError) as excinfo:
        stage(content.encode(), civil_officer)
    assert excinfo.value.code == ImportBatchError.MISSING_COLUMNS
    assert excinfo.value.params == {"columns": "认定类别"}


def test_committed_batch_cannot_be_committed_again(civil_officer):
    batch = stage(
        csv_bytes([["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )
    imports.commit(batch=batch, by=civil_officer)
    with pytest.raises(DomainError) as excinfo:
        imports.commit(batch=batch, by=civil_officer)
    assert excinfo.value.code == ImportBatchError.NOT_STAGED
    assert Certification.objects.count() == 1


def test_upload_preview_and_commit_through_the_pages(client, civil_officer):
    client.force_login(civil_officer)
    content = csv_bytes(
        [
            ["王芳", number(1), "510703001", "dibao", "", "2023-01-01", "", ""],
            ["坏号", "123", "510703001", "dibao", "", "2023-01-01", "", ""],
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "民政认定.csv"
    response = client.post(reverse("claimants:import_create"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "18位" in page
    assert "确认导入" in page
    client.post(reverse("claimants:import_commit", args=[batch.pk]))
    assert Certification.objects.count() == 1
    listing = client.get(reverse("claimants:import_list")).content.decode()
    assert "民政认定.csv" in listing


def test_a_long_report_lists_its_first_lines_and_downloads_whole(client, civil_officer, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    bad = [
        [f"坏{i}", f"5107031970010{i:05d}", "510703001", "dibao", "", "2023-01-01", "", ""] for i in range(7)
    ]
    batch = stage(csv_bytes(bad), civil_officer)
    client.force_login(civil_officer)

    with mock.patch.object(imports, "REPORT_SHOWN", 5):
        page = client.get(batch.get_absolute_url()).content.decode()

    assert "共 7 行有错误或提示，此处列出前 5 行。" in page
    assert "坏4" in page
    assert "坏5" not in page
    download = client.get(reverse("claimants:import_report", args=[batch.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "人员", "错误", "提示")
    assert [r[0] for r in rows[1:]] == [2, 3, 4, 5, 6, 7, 8]
    assert all("身份证号" in r[2] for r in rows[1:])
    assert "5107031970010" not in "".join(str(c) for r in rows for c in r)  # numbers stay masked


def test_new_person_outside_a_township_is_refused(civil_officer):
    assert Region.objects.get(code="510703").level == Region.Level.COUNTY
    batch = stage(
        csv_bytes([["县级", number(4), "510703", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )
    assert "乡镇" in batch.report[0]["errors"][0]


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
