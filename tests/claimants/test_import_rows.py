"""Each row of a staged certification import is checked on its own: a bad row gets its own error and is left
out of the commit, a doubtful one gets a warning."""

import datetime as dt

import pytest

from claimants import idnumbers, imports
from claimants.models import Certification, Claimant, Region
from tests.claimants.support import csv_bytes, number, stage

pytestmark = pytest.mark.django_db


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


def test_new_person_outside_a_township_is_refused(civil_officer):
    assert Region.objects.get(code="510703").level == Region.Level.COUNTY
    batch = stage(
        csv_bytes([["县级", number(4), "510703", "dibao", "", "2023-01-01", "", ""]]), civil_officer
    )
    assert "乡镇" in batch.report[0]["errors"][0]
