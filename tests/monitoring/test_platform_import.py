"""The platform import's fast path accepts exactly what the full row checks accept, with the same data, and a
commit made after the database changed validates the file again."""

import datetime as dt

import pytest

from claimants import imports
from claimants.models import Claimant, Region
from settlements import visit_import
from settlements.models import Visit
from tests.settlements.test_visit_import import PLATFORM, csv_bytes, platform_row

pytestmark = pytest.mark.django_db

WITH_PLACES = [*PLATFORM, "hukou_admdvs", "insuplc_admdvs", "insutype"]
VISIT_FIELDS = (
    "settlement_ref", "claimant__id_number", "visit_type", "admitted", "discharged", "year", "referral",
    "total_cost", "policy_scope_cost", "basic_insurance_paid", "critical_illness_paid", "other_insurance_paid",
    "supplementary_paid", "insurance_scheme", "fully_self_paid", "assistance_paid_at_hospital",
)  # fmt: skip


def mixed_file(known, stranger) -> bytes:
    """Rows that pass, rows with a warning, and rows refused for each kind of reason (line numbers from 2)."""
    wrong_check = "1" if known.id_number[17] == "0" else "0"
    rows = [
        (platform_row("A1", known), ""),
        (platform_row("A2", known, med_type="14", begndate="", setl_time="20230402"), "310"),
        (platform_row("A3", known, med_type="23", hifmi_pay=""), "390"),
        (platform_row("A4", known, refd_setl_flag="1"), ""),  # skipped with a warning
        (platform_row("A5", known, fund_pay_sumamt="100.00"), ""),  # a warning: the sums disagree
        (platform_row("A6", known, certno=known.id_number[:17] + wrong_check), ""),
        (platform_row("A7", known, inscp_scp_amt="20000.00"), ""),  # scope above total
        (platform_row("A8", known, hifp_pay="-1"), ""),
        (platform_row("A9", known, setl_time="2099-01-01"), ""),
        (platform_row("A10", known, med_type="99"), ""),
        (platform_row("A11", known, cvlserv_pay="4000.00"), ""),  # supplementary above the rest
        (platform_row("A12", known, hifmi_pay="4500.00"), ""),  # 大病 above the rest
        (platform_row("A13", known), "999"),
        (platform_row("A1", known), ""),  # the same setl_id twice
        (platform_row("B1", stranger), "390"),
        (platform_row("B2", stranger, setl_time="2023-05-01 08:00:00"), ""),
    ]
    return csv_bytes(WITH_PLACES, [[*row, "510703001", "510703", insutype] for row, insutype in rows])


def outcome(content, reviewer) -> tuple:
    batch = imports.stage(kind=visit_import.KIND, file_name="setl.csv", content=content, by=reviewer)
    report = batch.report
    batch = imports.commit(batch=batch, by=reviewer)
    visits = sorted(Visit.objects.values_list(*VISIT_FIELDS))
    people = sorted(
        Claimant.objects.values_list("id_number", "name", "sex", "birth_date", "origin", "scheme")
    )
    counts = (
        batch.rows_total,
        batch.rows_invalid,
        batch.rows_unchanged,
        batch.rows_created,
        batch.persons_created,
    )
    Visit.objects.all().delete()
    Claimant.objects.filter(origin=Claimant.Origin.PLATFORM).delete()
    return report, counts, visits, people


def test_the_fast_path_gives_the_same_report_counts_and_rows_as_the_full_checks(
    reviewer, claimant_factory, mianyang_2023, monkeypatch
):
    known = claimant_factory(hukou_region=Region.objects.get(code="510703001"))
    stranger = claimant_factory.build(name="王平台", hukou_region=Region.objects.get(code="510703001"))
    content = mixed_file(known, stranger)
    fast = outcome(content, reviewer)
    monkeypatch.setattr(visit_import._FastChecks, "row", lambda self, cells, line: None)
    full = outcome(content, reviewer)
    assert fast == full
    report, counts, visits, people = fast
    assert counts == (16, 9, 1, 6, 1)
    assert {line["line"] for line in report if line["errors"]} == set(range(7, 16))
    assert {line["line"] for line in report if line["warnings"]} == {5, 6}
    assert [person[4] for person in people] == ["registered", "platform"]
    assert len(visits) == 6


def test_a_record_stored_since_the_preview_is_left_as_stored_and_counted_unchanged(
    reviewer, claimant_factory, mianyang_2023
):
    """The commit does not look the file's setl_ids up again (visits are never deleted): the unique index
    finds the one stored since, which stays as stored while the other rows are written."""
    known = claimant_factory(hukou_region=Region.objects.get(code="510703001"))
    content = csv_bytes(PLATFORM, [platform_row("C1", known), platform_row("C2", known)])
    batch = imports.stage(kind=visit_import.KIND, file_name="setl.csv", content=content, by=reviewer)
    assert batch.rows_valid == 2
    Visit.objects.create(
        claimant=known,
        settlement_ref="C2",
        visit_type="inpatient",
        referral="referred",
        admitted=dt.date(2023, 3, 1),
        discharged=dt.date(2023, 3, 10),
        total_cost=1,
        policy_scope_cost=1,
    )
    batch = imports.commit(batch=batch, by=reviewer)
    assert (batch.rows_created, batch.rows_unchanged) == (1, 1)
    assert sorted(Visit.objects.values_list("settlement_ref", flat=True)) == ["C1", "C2"]


def test_a_person_registered_since_the_preview_has_the_file_validated_again(
    reviewer, claimant_factory, mianyang_2023
):
    """A platform record's person registered by a caseworker between preview and commit, under another name:
    the preview no longer holds, the file is validated again and the record refused, nobody created twice."""
    stranger = claimant_factory.build(name="王平台", hukou_region=Region.objects.get(code="510703001"))
    content = csv_bytes(WITH_PLACES, [[*platform_row("P1", stranger), "510703001", "510703001", "390"]])
    batch = imports.stage(kind=visit_import.KIND, file_name="setl.csv", content=content, by=reviewer)
    assert (batch.rows_valid, batch.report) == (1, [])
    registered = claimant_factory(
        id_number=stranger.id_number, name="王登记", hukou_region=stranger.hukou_region
    )
    batch = imports.commit(batch=batch, by=reviewer)
    assert (batch.rows_created, batch.persons_created, batch.rows_invalid) == (0, 0, 1)
    assert "姓名与已登记的不一致" in " ".join(batch.report[0]["errors"])
    assert list(Claimant.objects.filter(id_number=stranger.id_number)) == [registered]
    assert not Visit.objects.filter(settlement_ref="P1").exists()
