"""maf_pay: assistance the hospital already paid at one-stop settlement; the back office owes the difference.

The dibao visit below is worked in test_settle_visit.py: policy-scope cost 10000.00 gives 6203.75 of
medical assistance (Mianyang 2023).
"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from claimants import imports
from core.errors import DomainError
from settlements.errors import VisitError
from settlements.models import Settlement, Visit
from settlements.services import preview_settlement, record_visit, reverse_settlement, settle_visit
from settlements.visit_import import KIND
from tests.settlements.test_visit_import import PLATFORM, csv_bytes, platform_row

pytestmark = pytest.mark.django_db
D = Decimal
OVERPAID_WARNING = "医院已垫付的医疗救助超出本次核算的救助金额"


@pytest.fixture
def dibao_visit(mianyang_2023, certified, visit_factory, hospital_factory):
    def make(paid: str):
        return visit_factory(
            claimant=certified("dibao", name="李秀英"),
            hospital=hospital_factory(name="绵阳市中心医院"),
            policy_scope_cost=D("10000.00"),
            assistance_paid_at_hospital=D(paid),
        )

    return make


def test_settlement_keeps_the_assistance_and_owes_only_the_difference(dibao_visit, reviewer):
    settlement = settle_visit(visit=dibao_visit("2000.00"), by=reviewer)

    settlement.refresh_from_db()
    assert settlement.tier("medical_assistance") == D("6203.75")  # the engine's figure, unchanged
    assert settlement.assistance_paid_at_hospital == D("2000.00")
    assert settlement.assistance_owed == D("4203.75")
    assert settlement.assistance_overpaid == 0


def test_a_visit_with_nothing_paid_at_the_hospital_owes_all_the_assistance(dibao_visit, reviewer):
    settlement = settle_visit(visit=dibao_visit("0.00"), by=reviewer)

    settlement.refresh_from_db()
    assert settlement.assistance_owed == D("6203.75")


def test_overpayment_at_the_hospital_owes_nothing_and_is_shown_as_a_warning(dibao_visit, reviewer, client):
    visit = dibao_visit("7000.00")
    client.force_login(reviewer)

    preview = preview_settlement(visit=visit)
    assert (preview.assistance_owed, preview.assistance_overpaid) == (D("0.00"), D("796.25"))
    preview_page = client.get(reverse("settlements:visit_detail", args=[visit.pk])).content.decode()
    assert OVERPAID_WARNING in preview_page
    assert "796.25" in preview_page

    settlement = settle_visit(visit=visit, by=reviewer)
    settlement.refresh_from_db()
    assert settlement.assistance_owed == D("0.00")  # never a negative payment
    assert settlement.assistance_overpaid == D("796.25")
    detail = client.get(settlement.get_absolute_url()).content.decode()
    assert OVERPAID_WARNING in detail
    statement = client.get(reverse("settlements:statement", args=[settlement.pk])).content.decode()
    assert OVERPAID_WARNING in statement
    assert "796.25" in statement


def test_preview_and_detail_show_what_is_still_owed(dibao_visit, reviewer, client):
    visit = dibao_visit("2000.00")
    client.force_login(reviewer)

    preview_page = client.get(reverse("settlements:visit_detail", args=[visit.pk])).content.decode()
    settlement = settle_visit(visit=visit, by=reviewer)
    detail = client.get(settlement.get_absolute_url()).content.decode()

    for page in (preview_page, detail):
        assert "医院已垫付医疗救助" in page
        assert "2,000.00" in page
        assert "4,203.75" in page
        assert OVERPAID_WARNING not in page


def test_statement_xlsx_and_list_totals_show_paid_and_owed(dibao_visit, reviewer, client):
    first = settle_visit(visit=dibao_visit("2000.00"), by=reviewer)
    settle_visit(visit=dibao_visit("7000.00"), by=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("settlements:statement_xlsx", args=[first.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and len(row) > 1}
    assert D(str(cells["医院已垫付医疗救助"])) == D("2000.00")
    assert D(str(cells["应付医疗救助（差额）"])) == D("4203.75")

    listing = client.get(reverse("settlements:settlement_list"))
    assert listing.context["totals"]["assistance_paid_at_hospital"] == D("9000.00")
    assert listing.context["totals"]["assistance_owed"] == D("4203.75")  # 4203.75 + 0.00


def test_reversal_and_resettlement_keep_the_difference(dibao_visit, reviewer):
    visit = dibao_visit("2000.00")
    reverse_settlement(settlement=settle_visit(visit=visit, by=reviewer), by=reviewer, reason="录入错误")
    visit.assistance_paid_at_hospital = D("3000.00")
    visit.save()

    again = settle_visit(visit=visit, by=reviewer)

    assert again.assistance_owed == D("3203.75")
    assert Settlement.objects.filter(visit=visit).count() == 2


def test_a_negative_amount_paid_at_the_hospital_is_refused(mianyang_2023, certified, reviewer):
    with pytest.raises(DomainError) as refused:
        record_visit(
            by=None,
            claimant=certified("dibao"),
            visit_type="inpatient",
            admitted=mianyang_2023.effective_from,
            discharged=mianyang_2023.effective_from,
            referral="referred",
            total_cost=D("1000.00"),
            policy_scope_cost=D("800.00"),
            assistance_paid_at_hospital=D("-1.00"),
        )
    assert refused.value.code == VisitError.NEGATIVE_AMOUNT
    assert not Visit.objects.exists()


def test_import_reads_maf_pay_and_links_each_visit_to_its_batch(reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    header = [*PLATFORM, "maf_pay"]
    rows = [
        [*platform_row("M1", person), "1500.00"],
        [*platform_row("M2", person), ""],
        [*platform_row("BAD", person), "-5"],
    ]
    batch = imports.stage(kind=KIND, file_name="setl.csv", content=csv_bytes(header, rows), by=reviewer)
    report = {r["line"]: r for r in batch.report}
    assert "医疗救助基金支出" in " ".join(report[4]["errors"])

    imports.commit(batch=batch, by=reviewer)

    visits = {v.settlement_ref: v for v in Visit.objects.all()}
    assert set(visits) == {"M1", "M2"}
    assert visits["M1"].assistance_paid_at_hospital == D("1500.00")
    assert visits["M2"].assistance_paid_at_hospital == D("0.00")
    assert {v.import_batch_id for v in visits.values()} == {batch.pk}
    assert set(batch.visits.values_list("settlement_ref", flat=True)) == {"M1", "M2"}


def test_import_accepts_the_county_export_header_of_maf_pay(reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    header = [
        "结算ID",
        "身份证号",
        "姓名",
        "医疗类别",
        "结算时间",
        "医疗费总额",
        "符合政策范围金额",
        "医疗救助资金支出",
    ]
    row = ["C9", person.id_number, person.name, "21", "2023-05-01", "900", "800", "120.50"]
    imports.commit(
        batch=imports.stage(kind=KIND, file_name="county.csv", content=csv_bytes(header, [row]), by=reviewer),
        by=reviewer,
    )
    assert Visit.objects.get(settlement_ref="C9").assistance_paid_at_hospital == D("120.50")


def test_a_reimport_leaves_visits_with_the_batch_that_created_them(reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    content = csv_bytes(PLATFORM, [platform_row("R1", person)])
    first = imports.commit(
        batch=imports.stage(kind=KIND, file_name="a.csv", content=content, by=reviewer), by=reviewer
    )
    second = imports.commit(
        batch=imports.stage(kind=KIND, file_name="b.csv", content=content, by=reviewer), by=reviewer
    )
    assert Visit.objects.get().import_batch == first
    assert not second.visits.exists()


def test_batch_page_links_to_the_visits_it_created(client, reviewer, claimant_factory, mianyang_2023):
    person = claimant_factory()
    batch = imports.commit(
        batch=imports.stage(
            kind=KIND,
            file_name="a.csv",
            content=csv_bytes(PLATFORM, [platform_row("L1", person)]),
            by=reviewer,
        ),
        by=reviewer,
    )
    manual = Visit.objects.create(
        claimant=person,
        visit_type="inpatient",
        admitted=mianyang_2023.effective_from,
        discharged=mianyang_2023.effective_from,
        referral="referred",
        total_cost=D("100.00"),
        policy_scope_cost=D("100.00"),
    )
    client.force_login(reviewer)

    page = client.get(reverse("settlements:import_detail", args=[batch.pk])).content.decode()
    link = f"{reverse('settlements:visit_list')}?batch={batch.pk}"
    assert link in page
    listed = client.get(link).context["table"].data
    assert [v.settlement_ref for v in listed] == ["L1"]
    assert manual.pk not in [v.pk for v in listed]
