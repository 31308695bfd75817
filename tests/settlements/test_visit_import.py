import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from claimants import imports
from claimants.models import Claimant, ImportBatch, Region
from core.roles import Role
from settlements.models import Visit
from settlements.visit_import import KIND
from tests.conftest import plan_of_query_on

pytestmark = pytest.mark.django_db

PLATFORM = [
    "setl_id", "certno", "psn_name", "med_type", "begndate", "setl_time", "medfee_sumamt", "inscp_scp_amt",
    "hifp_pay", "hifmi_pay", "hifob_pay", "oth_pay", "cvlserv_pay", "hifes_pay", "fulamt_ownpay_amt",
    "fund_pay_sumamt", "psn_part_amt", "refd_setl_flag", "vali_flag",
]  # fmt: skip
CHINESE = ["结算ID", "身份证号", "姓名", "医疗类别", "入院日期", "结算时间", "医疗费总额", "符合政策范围金额",
           "基本医疗保险统筹基金支出", "全自费金额"]  # fmt: skip


def csv_bytes(header, rows) -> bytes:
    return ("\n".join(",".join(r) for r in [header, *rows]) + "\n").encode()


def platform_row(setl_id, claimant, **over):
    row = {
        "setl_id": setl_id, "certno": claimant.id_number, "psn_name": claimant.name, "med_type": "21",
        "begndate": "2023-03-01", "setl_time": "2023-03-10 10:15:00", "medfee_sumamt": "12000.00",
        "inscp_scp_amt": "10000.00", "hifp_pay": "6000.00", "hifmi_pay": "300.00", "hifob_pay": "",
        "oth_pay": "100.00", "cvlserv_pay": "50.00", "hifes_pay": "0", "fulamt_ownpay_amt": "2000.00",
        "fund_pay_sumamt": "6450.00", "psn_part_amt": "5550.00", "refd_setl_flag": "0", "vali_flag": "1",
    }  # fmt: skip
    row.update(over)
    return [row[h] for h in PLATFORM]


def stage(content, by):
    return imports.stage(kind=KIND, file_name="setl.csv", content=content, by=by)


def test_platform_fields_are_mapped_and_committed_in_one_go(reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    content = csv_bytes(
        PLATFORM,
        [
            platform_row("S1", person),
            platform_row("S2", person, med_type="14", begndate="", setl_time="20230402"),
            platform_row("S3", person, med_type="11", refd_setl_flag="1"),
            platform_row("S4", person, med_type="41", vali_flag="0"),
        ],
    )
    batch = stage(content, reviewer)
    assert (batch.rows_total, batch.rows_invalid, batch.rows_unchanged) == (4, 0, 2)
    assert not Visit.objects.exists()
    imports.commit(batch=batch, by=reviewer)
    visits = {v.settlement_ref: v for v in Visit.objects.all()}
    assert set(visits) == {"S1", "S2"}
    s1, s2 = visits["S1"], visits["S2"]
    assert (s1.visit_type, s1.admitted, s1.discharged, s1.year) == (
        "inpatient",
        dt.date(2023, 3, 1),
        dt.date(2023, 3, 10),
        2023,
    )
    assert s1.total_cost == Decimal("12000.00")
    assert s1.policy_scope_cost == Decimal("10000.00")
    assert s1.basic_insurance_paid == Decimal("6000.00")
    assert s1.critical_illness_paid == Decimal("300.00")
    assert s1.other_insurance_paid == Decimal("100.00")  # oth_pay: commercial, after assistance
    assert s1.supplementary_paid == Decimal("50.00")  # cvlserv_pay + hifes_pay: before it (Clarification 23)
    assert s1.insurance_scheme == "resident"
    assert s1.fully_self_paid == Decimal("2000.00")
    assert s1.source == Visit.Source.IMPORT
    assert (s2.visit_type, s2.admitted, s2.discharged) == (
        "outpatient_chronic_special",
        dt.date(2023, 4, 2),
        dt.date(2023, 4, 2),
    )


def test_insutype_sets_the_scheme_and_which_critical_illness_payment_is_the_tier(
    reviewer, claimant_factory, mianyang_2023
):
    """Clarification 24: 310 is an employee visit, whose 大病 tier is hifob_pay (职工大额) or 0; without
    insutype a visit takes the scheme the person is registered with."""
    resident, employee = claimant_factory(), claimant_factory(scheme="employee")
    header = [*PLATFORM, "insutype"]
    content = csv_bytes(
        header,
        [
            [*platform_row("E1", resident, hifob_pay="800.00"), "310"],
            [*platform_row("E2", resident, hifmi_pay="300.00"), "390"],
            [*platform_row("E3", employee, hifmi_pay="", hifob_pay=""), ""],
            [*platform_row("E4", resident), "999"],
        ],
    )
    batch = stage(content, reviewer)
    assert batch.rows_invalid == 1
    assert "未知的险种类型：999" in str(batch.report)
    imports.commit(batch=batch, by=reviewer)
    visits = {v.settlement_ref: v for v in Visit.objects.all()}
    assert (visits["E1"].insurance_scheme, visits["E1"].critical_illness_paid) == (
        "employee",
        Decimal("800.00"),
    )
    assert (visits["E2"].insurance_scheme, visits["E2"].critical_illness_paid) == (
        "resident",
        Decimal("300.00"),
    )
    assert (visits["E3"].insurance_scheme, visits["E3"].critical_illness_paid) == ("employee", None)


def test_chinese_headers_of_a_county_export(reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    row = ["C1", person.id_number, person.name, "13", "2023/05/01", "2023/05/01", "800", "600", "300", "100"]
    batch = imports.commit(batch=stage(csv_bytes(CHINESE, [row]), reviewer), by=reviewer)
    assert batch.rows_created == 1
    visit = Visit.objects.get(settlement_ref="C1")
    assert (visit.visit_type, visit.policy_scope_cost, visit.critical_illness_paid) == (
        "outpatient_general",
        Decimal("600.00"),
        None,
    )


def test_bad_rows_get_their_own_errors_and_only_valid_rows_are_written(
    reviewer, claimant_factory, mianyang_2023, make_staff
):
    person = claimant_factory()
    rows = [
        platform_row("OK", person),
        platform_row("NEG", person, oth_pay="-1"),
        platform_row("SCOPE", person, inscp_scp_amt="13000"),
        platform_row("BASIC", person, hifp_pay="10001"),
        platform_row("DATES", person, begndate="2023-03-20"),
        platform_row("YEAR", person, begndate="2022-01-01", setl_time="2022-01-05"),
        platform_row("UNKNOWN", person, certno="110101199001011237"),
        platform_row("TYPE", person, med_type="99"),
        platform_row("SUMS", person, psn_part_amt="1.00"),
        platform_row("OK", person),
    ]
    batch = stage(csv_bytes(PLATFORM, rows), reviewer)
    report = {r["line"]: r for r in batch.report}
    errors = {line: " ".join(r["errors"]) for line, r in report.items() if r["errors"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 11}
    assert "其他支出" in errors[3]
    assert "不能在您的管辖范围内导入此人" in errors[8]
    assert "政策年度" in errors[7]
    assert "重复" in errors[11]
    assert report[10]["warnings"]
    assert not report[10]["errors"]
    assert "110101199001011237" not in str(batch.report)
    imports.commit(batch=batch, by=reviewer)
    assert sorted(Visit.objects.values_list("settlement_ref", flat=True)) == ["OK", "SUMS"]


def test_reimporting_the_same_setl_id_changes_nothing(reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    content = csv_bytes(PLATFORM, [platform_row("R1", person)])
    imports.commit(batch=stage(content, reviewer), by=reviewer)
    changed = csv_bytes(PLATFORM, [platform_row("R1", person, medfee_sumamt="99999")])
    second = imports.commit(batch=stage(changed, reviewer), by=reviewer)
    assert (second.rows_created, second.rows_unchanged) == (0, 1)
    assert Visit.objects.get().total_cost == Decimal("12000.00")


def test_claimants_outside_the_reviewers_region_are_row_errors(claimant_factory, mianyang_2023, make_staff):
    other = Region.objects.filter(level=Region.Level.TOWNSHIP, code__startswith="5107").exclude(
        code__startswith="510703"
    )[0]
    township_reviewer = make_staff(Role.MEDICAL_SECURITY_REVIEWER, "510703")
    person = claimant_factory(hukou_region=other)
    batch = stage(csv_bytes(PLATFORM, [platform_row("X1", person)]), township_reviewer)
    unknown = claimant_factory.build(hukou_region=other)  # never registered
    stranger = stage(csv_bytes(PLATFORM, [platform_row("X2", unknown)]), township_reviewer)
    # Registered elsewhere or nowhere: one answer, so an import is not a lookup of who is registered where.
    assert batch.report[0]["errors"] == stranger.report[0]["errors"] == ["不能在您的管辖范围内导入此人"]


def test_pages_upload_preview_commit_and_scope(client, reviewer, caseworker, claimant_factory, mianyang_2023):
    person = claimant_factory()
    client.force_login(reviewer)
    assert client.get(reverse("settlements:import_list")).status_code == 200
    assert client.get(reverse("settlements:import_create")).status_code == 200
    upload = csv_bytes(PLATFORM, [platform_row("P1", person)])

    response = client.post(
        reverse("settlements:import_create"), {"file": SimpleUploadedFile("setl.csv", upload)}
    )
    batch = ImportBatch.objects.get(kind=KIND)
    assert response.url == reverse("settlements:import_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "确认导入有效的 1 行" in page
    client.post(reverse("settlements:import_commit", args=[batch.pk]))
    assert Visit.objects.filter(settlement_ref="P1").exists()
    client.force_login(caseworker)
    assert client.get(reverse("settlements:import_list")).status_code == 403
    outsider = ImportBatch.objects.filter(pk=batch.pk)
    outsider.update(region_id="1101")
    client.force_login(reviewer)
    assert client.get(reverse("settlements:import_detail", args=[batch.pk])).status_code == 404


def test_the_report_downloads_as_xlsx_for_the_batchs_viewers(
    client, reviewer, claimant_factory, mianyang_2023
):
    person = claimant_factory()
    content = csv_bytes(PLATFORM, [platform_row("R1", person), platform_row("R2", person, medfee_sumamt="x")])
    batch = stage(content, reviewer)
    client.force_login(reviewer)

    page = client.get(reverse("settlements:import_detail", args=[batch.pk])).content.decode()
    download = client.get(reverse("settlements:import_report", args=[batch.pk]))

    assert reverse("settlements:import_report", args=[batch.pk]) in page
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "记录", "错误", "提示")
    assert [r[0] for r in rows[1:]] == [e["line"] for e in batch.report]
    assert 3 in [r[0] for r in rows[1:]]


def test_the_preview_refuses_what_the_commit_could_not_store(reviewer, claimant_factory, mianyang_2023):
    """A settlement id over 64 characters and an amount of 10^12: row errors in the preview, so the
    commit never meets them (it used to answer 500 and the batch could never be committed)."""
    person = claimant_factory()
    content = csv_bytes(
        PLATFORM,
        [
            platform_row("S" * 65, person),
            platform_row("BIG", person, medfee_sumamt="1000000000000.00", inscp_scp_amt="10000.00"),
            platform_row("OK", person),
        ],
    )
    batch = stage(content, reviewer)
    errors = {line["line"]: line["errors"] for line in batch.report}
    assert "结算ID 超过 64 个字符" in errors[2]
    assert any("金额超出一次就医可能的范围" in error for error in errors[3])
    assert (batch.rows_invalid, batch.rows_valid) == (2, 1)
    imports.commit(batch=batch, by=reviewer)
    assert list(Visit.objects.values_list("settlement_ref", flat=True)) == ["OK"]


WITH_PLACES = [*PLATFORM, "hukou_admdvs", "insuplc_admdvs"]


def test_a_platform_record_of_a_person_not_yet_known_creates_their_registry_entry(
    reviewer, claimant_factory, mianyang_2023, caseworker
):
    """Clarification 26: the monthly push watches every insured person with settlement records. The record
    creates the entry (name, ID number, places, scheme), marked as from the platform, once for all its rows;
    the claimant list does not show her, a search of her whole ID number does."""
    stranger = claimant_factory.build(name="王平台", hukou_region=Region.objects.get(code="510703001"))
    rows = [
        [*platform_row("P1", stranger, hifp_pay="6000.00"), "510703001", "510703"],
        [*platform_row("P2", stranger, setl_time="2023-04-02"), "510703001", "510703"],
    ]
    batch = imports.commit(batch=stage(csv_bytes(WITH_PLACES, rows), reviewer), by=reviewer)
    assert (batch.rows_created, batch.persons_created, batch.rows_invalid) == (2, 1, 0)
    person = Claimant.objects.get(id_number=stranger.id_number)
    assert (person.name, person.origin, person.hukou_region_id, person.insured_region_id) == (
        "王平台",
        Claimant.Origin.PLATFORM,
        "510703001",
        "510703",
    )
    assert (person.birth_date, person.sex) == (stranger.birth_date, stranger.sex)
    assert [visit.created_by for visit in person.visits.all()] == [reviewer, reviewer]
    assert list(person.history.values_list("history_type", "history_user")) == [("+", reviewer.pk)]

    client = Client()
    client.force_login(caseworker)
    masked = person.masked_id_number  # in the list's rows only
    assert masked not in client.get(reverse("claimants:list")).content.decode()
    assert masked not in client.get(reverse("claimants:list"), {"q": "王平台"}).content.decode()
    assert masked in client.get(reverse("claimants:list"), {"q": stranger.id_number}).content.decode()

    again = imports.commit(batch=stage(csv_bytes(WITH_PLACES, rows), reviewer), by=reviewer)
    assert (again.rows_created, again.persons_created, again.rows_unchanged) == (0, 0, 2)


def test_the_preview_says_how_many_people_the_file_will_register_and_the_batch_how_many_it_did(
    client, reviewer, claimant_factory, mianyang_2023
):
    """Registering people is part of what the reviewer confirms: the preview counts the people not yet known
    (once each, however many records), the committed batch the entries it made."""
    known = claimant_factory()
    strangers = [claimant_factory.build(hukou_region=Region.objects.get(code="510703001")) for _ in range(2)]
    rows = [
        [*platform_row("K1", known), "", ""],
        [*platform_row("S1", strangers[0]), "510703001", "510703"],
        [*platform_row("S2", strangers[0], setl_time="2023-04-02"), "510703001", "510703"],
        [*platform_row("S3", strangers[1]), "510703001", "510703"],
    ]
    client.force_login(reviewer)
    upload = SimpleUploadedFile("records.csv", csv_bytes(WITH_PLACES, rows), content_type="text/csv")
    detail = client.post(reverse("settlements:import_create"), {"file": upload}, follow=True)
    batch = ImportBatch.objects.get()
    assert batch.persons_new == 2
    assert "其中 2 人尚未登记：确认导入后按平台记录建立参保人记录" in detail.content.decode()

    done = client.post(reverse("settlements:import_commit", args=[batch.pk]), follow=True).content.decode()
    assert "已导入就医记录 4 条，新建参保人记录 2 人" in done  # the message
    assert "已新增就医记录 4 条，新建参保人记录 2 人" in done  # the batch
    assert Claimant.objects.filter(origin=Claimant.Origin.PLATFORM).count() == 2


def test_without_a_usable_place_or_outside_the_region_an_unknown_person_is_refused_as_before(
    claimant_factory, mianyang_2023, make_staff
):
    township_reviewer = make_staff(Role.MEDICAL_SECURITY_REVIEWER, "510703")
    stranger = claimant_factory.build(hukou_region=Region.objects.get(code="510703001"))
    rows = [
        [*platform_row("N1", stranger), "", ""],
        [*platform_row("N2", stranger), "510704001", "510704"],
        [*platform_row("N3", stranger), "999999", ""],
    ]
    batch = stage(csv_bytes(WITH_PLACES, rows), township_reviewer)
    assert [r["errors"] for r in batch.report] == [["不能在您的管辖范围内导入此人"]] * 3
    assert not Claimant.objects.filter(id_number=stranger.id_number).exists()


def test_a_person_known_only_from_the_platform_is_alerted(reviewer, claimant_factory, mianyang_2023):
    from monitoring.models import HighCostAlert
    from monitoring.services import run_monthly_alerts

    stranger = claimant_factory.build(hukou_region=Region.objects.get(code="510703001"))
    row = platform_row(
        "A1", stranger, medfee_sumamt="60000.00", inscp_scp_amt="50000.00", hifp_pay="20000.00", hifmi_pay="0",
        oth_pay="0", cvlserv_pay="0", fulamt_ownpay_amt="10000.00", fund_pay_sumamt="", psn_part_amt="",
    )  # fmt: skip
    imports.commit(batch=stage(csv_bytes(WITH_PLACES, [[*row, "510703001", ""]]), reviewer), by=reviewer)
    run_monthly_alerts(period=dt.date(2023, 3, 1))
    alerts = HighCostAlert.objects.filter(claimant__id_number=stranger.id_number)
    assert {(a.department, a.amount, a.kind) for a in alerts} == {
        ("civil_affairs", Decimal("30000.00"), "impoverished"),
        ("rural_revitalization", Decimal("30000.00"), "impoverished"),
    }


def test_a_setl_id_with_a_backslash_or_a_quote_is_stored_as_written(
    reviewer, claimant_factory, mianyang_2023
):
    person = claimant_factory()
    rows = [platform_row("HX\\2023\\7", person), platform_row('"Q\\t1"', person)]
    content = csv_bytes(PLATFORM, rows).replace(b'"Q', b'"""Q').replace(b'1"', b'1"""')
    batch = imports.commit(batch=stage(content, reviewer), by=reviewer)
    assert batch.rows_created == 2
    assert sorted(Visit.objects.values_list("settlement_ref", flat=True)) == ['"Q\\t1"', "HX\\2023\\7"]


def test_a_batch_staged_before_an_upgrade_is_validated_again_and_committed(
    reviewer, claimant_factory, mianyang_2023
):
    """A batch awaiting confirmation across an upgrade keeps its rows in the earlier form (one JSON object
    with a row list): the commit does not misread them, it validates the file again and writes it."""
    import json
    import zlib

    person = claimant_factory()
    batch = stage(csv_bytes(PLATFORM, [platform_row("U1", person), platform_row("U2", person)]), reviewer)
    header = json.loads(zlib.decompress(ImportBatch.objects.get(pk=batch.pk).staged).partition(b"\n")[0])
    earlier = header | {"fields": ["cells"], "rows": [[2, "not a row of this version\n"]]}  # same basis
    ImportBatch.objects.filter(pk=batch.pk).update(staged=zlib.compress(json.dumps(earlier).encode()))
    committed = imports.commit(batch=batch, by=reviewer)
    assert (committed.rows_created, committed.rows_invalid) == (2, 0)
    assert sorted(person.visits.values_list("settlement_ref", flat=True)) == ["U1", "U2"]


def test_a_staged_batch_keeps_the_file_byte_for_byte_and_validates_it_again_from_there(
    reviewer, claimant_factory, mianyang_2023
):
    """The uploaded file is stored as sent (every byte value, a UTF-8 BOM included) and a commit whose
    preview no longer holds reads it back from the database to validate it again."""
    person = claimant_factory()
    content = b"\xef\xbb\xbf" + csv_bytes(PLATFORM, [platform_row("B1", person), platform_row("B2", person)])
    batch = stage(content, reviewer)
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert bytes(stored.content) == content
    assert stored.rows_valid == 2
    ImportBatch.objects.filter(pk=batch.pk).update(staged=b"")  # as if the preview no longer held
    committed = imports.commit(batch=ImportBatch.objects.get(pk=batch.pk), by=reviewer)
    assert committed.rows_created == 2
    assert sorted(person.visits.values_list("settlement_ref", flat=True)) == ["B1", "B2"]


def test_a_batch_whose_visits_are_stored_cannot_be_deleted_even_by_sql(
    reviewer, claimant_factory, mianyang_2023
):
    """A batch keeps the file its visits came from: the ORM refuses deleting it (PROTECT) and, on PostgreSQL,
    so does the database (a trigger, as the batch's visits are not checked one by one)."""
    from django.db import IntegrityError, connection, transaction
    from django.db.models import ProtectedError

    person = claimant_factory()
    batch = imports.commit(
        batch=stage(csv_bytes(PLATFORM, [platform_row("D1", person)]), reviewer), by=reviewer
    )
    with pytest.raises(ProtectedError):
        ImportBatch.objects.get(pk=batch.pk).delete()
    if connection.vendor == "postgresql":
        with (
            pytest.raises(IntegrityError, match="still named by visits"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM claimants_importbatch WHERE id = %s", [batch.pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE claimants_importbatch SET id = id + 1000 WHERE id = %s", [batch.pk])
    assert Visit.objects.get(settlement_ref="D1").import_batch_id == batch.pk
    empty = stage(
        csv_bytes(PLATFORM, [platform_row("D1", person)]), reviewer
    )  # nothing new: no visit names it
    ImportBatch.objects.filter(pk=empty.pk).delete()
    assert not ImportBatch.objects.filter(pk=empty.pk).exists()


def test_a_setl_id_another_import_stored_after_the_preview_check_is_left_as_stored(
    reviewer, claimant_factory, mianyang_2023
):
    """The staged lines of a batch are written after the commit found its preview still holding; a record
    another import stored in between (a race) is left as that import stored it and the others are written."""
    import zlib

    from django.db import connection

    from settlements.visit_import.rows import VisitRows

    if connection.vendor != "postgresql":
        pytest.skip("the staged lines are written set-based on PostgreSQL")
    person = claimant_factory()
    batch = stage(csv_bytes(PLATFORM, [platform_row("C1", person), platform_row("C2", person)]), reviewer)
    lines = zlib.decompress(ImportBatch.objects.get(pk=batch.pk).staged).partition(b"\n")[2]
    other = stage(csv_bytes(PLATFORM, [platform_row("C2", person, medfee_sumamt="15000.00")]), reviewer)
    imports.commit(batch=other, by=reviewer)
    result = VisitRows().write_lines(lines, batch=batch, by=reviewer)  # the write after the check
    assert result.rows_created == 1
    assert dict(person.visits.values_list("settlement_ref", "total_cost")) == {
        "C1": Decimal("12000.00"),
        "C2": Decimal("15000.00"),
    }


def test_the_look_up_of_stored_setl_ids_probes_the_unique_index_however_many_a_file_holds(
    reviewer, claimant_factory, mianyang_2023
):
    """A file's 100,000 setl_ids are looked up by their unique index, never by reading every visit (as
    ``= ANY(<100,000 keys>)`` the planner scanned the whole table in parallel processes for each file)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from settlements.visit_import.lookups import _stored

    person = claimant_factory()
    imports.commit(batch=stage(csv_bytes(PLATFORM, [platform_row("K7", person)]), reviewer), by=reviewer)
    refs = sorted(["K7", "it's", 'a "quoted" one', *(f"K{n}" for n in range(8, 100_000))])
    with CaptureQueriesContext(connection) as queries:
        assert _stored(refs) == {"K7"}
    if connection.vendor != "postgresql":
        return
    plan = plan_of_query_on(queries, "settlements_visit")
    assert "settlements_visit_settlement_ref_key" in plan
    assert "Seq Scan on settlements_visit" not in plan
