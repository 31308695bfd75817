"""Payment batches: maker-checker, separation of duties, bank results, bounced payments, never twice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from applications import services as application_services
from applications.models import AssistanceApplication, State
from claimants.models import AuditLog
from core.errors import DomainError
from core.roles import Role
from payments import files, hooks, services
from payments.errors import PaymentError
from payments.models import BatchState, FailureReason, LineState, PaymentEvent, PaymentLine
from settlements import services as settlement_services
from tests.payments.conftest import result_csv

pytestmark = pytest.mark.django_db
PAID_ON = dt.date(2023, 7, 3)


def results(batch, outcome="成功", reason=""):
    rows = [(line.reference, line.amount, outcome, PAID_ON.isoformat(), reason) for line in batch.lines.all()]
    return files.read_bank_results("result.csv", result_csv(rows))


def test_a_batch_goes_from_maker_to_checker_to_manager_and_each_step_is_recorded(
    approved_claim, owed_settlement, maker, checker, releaser
):
    application, settlement = approved_claim(), owed_settlement()
    batch = services.make_batch(by=maker, application_ids=[application.pk], settlement_ids=[settlement.pk])
    assert (batch.state, batch.line_count) == (BatchState.MADE, 2)
    assert batch.total_amount == application.assessed_amount + settlement.assistance_owed
    batch = services.check_batch(batch=batch, by=checker)
    batch = services.release_batch(batch=batch, by=releaser)
    assert (batch.state, batch.made_by, batch.checked_by, batch.released_by) == (
        BatchState.RELEASED,
        maker,
        checker,
        releaser,
    )
    assert batch.made_at <= batch.checked_at <= batch.released_at
    steps = list(batch.events.values_list("kind", "actor__username"))
    assert steps == [("made", "maker"), ("checked", "checker"), ("released", "manager")]
    assert set(batch.lines.values_list("state", flat=True)) == {LineState.SENT}


def test_the_maker_cannot_check_their_own_batch(approved_claim, maker):
    batch = services.make_batch(by=maker, application_ids=[approved_claim().pk])
    with pytest.raises(DomainError) as excinfo:
        services.check_batch(batch=batch, by=maker)
    assert excinfo.value.code == PaymentError.MAKER_CANNOT_CHECK


def test_whoever_approved_an_amount_can_neither_check_nor_release_its_payment(
    approved_claim, owed_settlement, maker, checker, reviewer, make_staff
):
    # ``reviewer`` approved the application and settled the settlement.
    for item in ({"application_ids": [approved_claim().pk]}, {"settlement_ids": [owed_settlement().pk]}):
        batch = services.make_batch(by=maker, **item)
        with pytest.raises(DomainError) as excinfo:
            services.check_batch(batch=batch, by=reviewer)
        assert excinfo.value.code == PaymentError.APPROVER_CANNOT_PAY
    reviewer.role = Role.MANAGER  # the same person in a manager's seat
    reviewer.save()
    batch = services.check_batch(batch=batch, by=checker)
    with pytest.raises(DomainError) as excinfo:
        services.release_batch(batch=batch, by=reviewer)
    assert excinfo.value.code == PaymentError.APPROVER_CANNOT_PAY
    assert batch.lines.get().state == LineState.PENDING


def test_release_needs_a_manager_who_neither_made_nor_checked_the_batch(
    approved_claim, maker, manager, make_staff
):
    batch = services.make_batch(by=maker, application_ids=[approved_claim().pk])
    batch = services.check_batch(batch=batch, by=manager)  # a manager may check
    with pytest.raises(DomainError) as excinfo:
        services.release_batch(batch=batch, by=manager)
    assert excinfo.value.code == PaymentError.SAME_PERSON_RELEASE
    with pytest.raises(DomainError) as excinfo:
        services.release_batch(batch=batch, by=maker)
    assert excinfo.value.code == PaymentError.ROLE_NOT_ALLOWED
    other = make_staff(Role.MANAGER, "5107", username="manager2")
    assert services.release_batch(batch=batch, by=other).state == BatchState.RELEASED


def test_only_a_reviewer_makes_a_batch_and_only_of_their_region(approved_claim, caseworker, make_staff):
    application = approved_claim()
    with pytest.raises(DomainError) as excinfo:
        services.make_batch(by=caseworker, application_ids=[application.pk])
    assert excinfo.value.code == PaymentError.ROLE_NOT_ALLOWED
    elsewhere = make_staff(Role.MEDICAL_SECURITY_REVIEWER, "1101", username="bj_maker")
    with pytest.raises(DomainError) as excinfo:
        services.make_batch(by=elsewhere, application_ids=[application.pk])
    assert excinfo.value.code == PaymentError.OUTSIDE_REGION


def test_a_returned_batch_frees_its_items_for_a_new_one(approved_claim, maker, checker):
    application = approved_claim()
    batch = services.make_batch(by=maker, application_ids=[application.pk])
    with pytest.raises(DomainError) as excinfo:
        services.return_batch(batch=batch, by=checker, reason=" ")
    assert excinfo.value.code == PaymentError.REASON_REQUIRED
    services.return_batch(batch=batch, by=checker, reason="收款人姓名待核实")
    again = services.make_batch(by=maker, application_ids=[application.pk])
    assert again.lines.get().application == application


def test_an_item_in_a_batch_cannot_enter_another(approved_claim, owed_settlement, maker, make_staff):
    application, settlement = approved_claim(), owed_settlement()
    services.make_batch(by=maker, application_ids=[application.pk], settlement_ids=[settlement.pk])
    second_maker = make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="maker2")
    for item in ({"application_ids": [application.pk]}, {"settlement_ids": [settlement.pk]}):
        with pytest.raises(DomainError) as excinfo:
            services.make_batch(by=second_maker, **item)
        assert excinfo.value.code == PaymentError.ALREADY_IN_BATCH
    assert PaymentLine.objects.count() == 2


def test_the_database_refuses_a_second_holding_line_for_an_item(approved_claim, maker):
    application = approved_claim()
    batch = services.make_batch(by=maker, application_ids=[application.pk])
    line = batch.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            batch=batch,
            application=application,
            claimant=line.claimant,
            region=line.region,
            fund=line.fund,
            amount=line.amount,
            reference="ZF-SECOND",
        )


def test_a_person_without_a_payee_cannot_be_paid(caseworker, reviewer, maker, dibao_person, visit_factory):
    settlement = settlement_services.settle_visit(
        visit=visit_factory(claimant=dibao_person("赵无户")), by=reviewer
    )
    with pytest.raises(DomainError) as excinfo:
        services.make_batch(by=maker, settlement_ids=[settlement.pk])
    assert excinfo.value.code == PaymentError.NO_PAYEE
    assert not PaymentLine.objects.exists()


def test_a_claim_settled_by_its_application_is_paid_once_through_the_application(approved_claim, maker):
    application = approved_claim()
    settlement = application.covered_visits.get().visit.settlements.get()
    assert (
        settlement.assistance_owed > 0
    )  # the settlement the claim made: its assistance is the claim's amount
    with pytest.raises(DomainError) as excinfo:
        services.make_batch(by=maker, settlement_ids=[settlement.pk])
    assert excinfo.value.code == PaymentError.NOT_PAYABLE


def test_paid_lines_close_their_items_through_the_services(
    approved_claim, owed_settlement, released, checker
):
    application, settlement = approved_claim(), owed_settlement()
    batch = released([application], [settlement])
    outcome = services.import_bank_results(batch=batch, by=checker, results=results(batch))
    assert (outcome.paid, outcome.failed, outcome.batch.state) == (2, 0, BatchState.RECONCILED)
    application = AssistanceApplication.objects.get(pk=application.pk)
    line = batch.lines.get(application=application)
    assert (application.state, application.paid_amount, application.paid_on) == (
        State.PAID,
        application.assessed_amount,
        PAID_ON,
    )
    assert application.payment_reference == line.reference
    assert application.events.filter(kind="paid", actor=checker).exists()
    assert batch.lines.get(settlement=settlement).state == LineState.PAID
    # the case now closes as before
    application_services.close_application(application=application, by=checker)


def test_a_bounced_payment_reopens_its_item_for_a_corrected_payee_and_a_new_batch(
    approved_claim, released, maker, checker, caseworker
):
    application = approved_claim()
    batch = released([application])
    outcome = services.import_bank_results(
        batch=batch, by=checker, results=results(batch, "失败", "账户已销户")
    )
    assert (outcome.paid, outcome.failed) == (0, 1)
    line = batch.lines.get()
    assert (line.state, line.failure_reason) == (LineState.FAILED, FailureReason.CLOSED_ACCOUNT)
    assert AssistanceApplication.objects.get(pk=application.pk).state == State.APPROVED
    # back in the queue, but not before the account is corrected
    with pytest.raises(DomainError) as excinfo:
        services.make_batch(by=maker, application_ids=[application.pk])
    assert excinfo.value.code == PaymentError.PAYEE_NOT_CORRECTED
    services.set_payee(
        claimant=application.claimant,
        by=caseworker,
        name=application.claimant.name,
        bank_name="工商银行绵阳分行",
        account_number="6212269876543210",
    )
    second = services.make_batch(by=maker, application_ids=[application.pk])
    assert second.lines.get().account_number == "6212269876543210"
    change = AuditLog.objects.filter(action="change_payee", user=caseworker).order_by("pk").last()
    assert change.detail["account"] == "****3210"


def test_a_result_file_with_any_bad_line_changes_nothing(approved_claim, owed_settlement, released, checker):
    batch = released([approved_claim()], [owed_settlement()])
    good, bad = batch.lines.order_by("pk")
    rows = [
        (good.reference, good.amount, "成功", PAID_ON.isoformat(), ""),
        (bad.reference, bad.amount + Decimal("1.00"), "成功", PAID_ON.isoformat(), ""),
        ("ZF-UNKNOWN", "10.00", "成功", PAID_ON.isoformat(), ""),
    ]
    parsed = files.read_bank_results("r.csv", result_csv(rows))
    with pytest.raises(services.BankResultError) as excinfo:
        services.import_bank_results(batch=batch, by=checker, results=parsed)
    assert len(excinfo.value.errors) == 2
    assert "第3行" in excinfo.value.errors[0]
    assert "第4行" in excinfo.value.errors[1]
    assert set(batch.lines.values_list("state", flat=True)) == {LineState.SENT}


def test_a_line_with_a_result_cannot_be_paid_again(approved_claim, released, checker):
    batch = released([approved_claim()])
    parsed = results(batch)
    services.import_bank_results(batch=batch, by=checker, results=parsed)
    with pytest.raises(DomainError) as excinfo:
        services.import_bank_results(batch=batch, by=checker, results=parsed)
    assert excinfo.value.code == PaymentError.INVALID_STATE


def test_release_runs_the_budget_step_with_the_totals_and_a_refusal_stores_nothing(
    approved_claim, owed_settlement, maker, checker, releaser
):
    application, settlement = approved_claim(), owed_settlement()
    batch = services.make_batch(by=maker, application_ids=[application.pk], settlement_ids=[settlement.pk])
    services.check_batch(batch=batch, by=checker)
    seen = []

    def over_budget(*, batch, totals, by, note):
        seen.append((totals, by, note))
        raise DomainError(PaymentError.ROLE_NOT_ALLOWED, action="budget")

    hooks.BEFORE_RELEASE.connect(over_budget)
    try:
        with pytest.raises(DomainError):
            services.release_batch(batch=batch, by=releaser, note="年底集中支付")
    finally:
        hooks.BEFORE_RELEASE.disconnect(over_budget)
    ((totals, by, note),) = seen
    assert (by, note) == (releaser, "年底集中支付")
    assert sum(t.amount for t in totals) == batch.total_amount
    assert {(t.fund, t.region_id) for t in totals} == {("medical_assistance", "510703001")}
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED
    assert not PaymentEvent.objects.filter(kind="released").exists()


def test_paid_lines_reach_the_spending_step(approved_claim, released, checker):
    batch = released([approved_claim()])
    seen = []

    def record(*, batch, lines, paid_totals, by):
        seen.append((batch, len(lines), paid_totals))

    hooks.AFTER_RESULTS.connect(record)
    try:
        services.import_bank_results(batch=batch, by=checker, results=results(batch))
    finally:
        hooks.AFTER_RESULTS.disconnect(record)
    assert seen == [
        (batch, 1, [hooks.FundTotal("medical_assistance", "510703001", 2023, batch.total_amount)])
    ]


def test_the_bank_file_download_is_audited_and_only_after_release(approved_claim, maker, checker, released):
    made = services.make_batch(by=maker, application_ids=[approved_claim().pk])
    with pytest.raises(DomainError) as excinfo:
        services.record_bank_file_download(batch=made, by=checker, fmt="csv")
    assert excinfo.value.code == PaymentError.INVALID_STATE
    batch = released([approved_claim("钱七")])
    services.record_bank_file_download(batch=batch, by=checker, fmt="xlsx")
    assert AuditLog.objects.filter(action="export_bank_file", target_id=str(batch.pk), user=checker).exists()


@pytest.mark.parametrize("account", ["1234567", "6222-0212-3456", "x" * 10, "1" * 33])
def test_a_payee_account_must_be_8_to_32_digits(dibao_person, caseworker, account):
    with pytest.raises(DomainError) as excinfo:
        services.set_payee(
            claimant=dibao_person(), by=caseworker, name="王", bank_name="银行", account_number=account
        )
    assert excinfo.value.code == PaymentError.ACCOUNT_INVALID


def test_a_batch_holding_a_settlement_reversed_since_cannot_be_released(
    owed_settlement, maker, checker, releaser, reviewer
):
    settlement = owed_settlement()
    batch = services.check_batch(
        batch=services.make_batch(by=maker, settlement_ids=[settlement.pk]), by=checker
    )
    settlement_services.reverse_settlement(settlement=settlement, by=reviewer, reason="医院退费")
    with pytest.raises(DomainError) as excinfo:
        services.release_batch(batch=batch, by=releaser)
    assert excinfo.value.code == PaymentError.ITEM_REVERSED
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED
