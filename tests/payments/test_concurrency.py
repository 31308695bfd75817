"""Two reviewers putting the same items into two batches at the same moment, on PostgreSQL with real
threads: the item rows are locked in pk order, the second waits, then finds them held and is refused; the
partial unique indexes would refuse a second line anyway. Nothing is paid twice."""

import pytest

from core.roles import Role
from payments import files, services
from payments.errors import PaymentError
from payments.models import PaymentBatch, PaymentLine
from tests.applications.test_concurrency import race
from tests.conftest import require_postgresql
from tests.payments.conftest import result_csv

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_two_batches_made_at_once_with_the_same_items_hold_each_item_once(
    approved_claim, owed_settlement, maker, make_staff
):
    require_postgresql()
    application, settlement = approved_claim(), owed_settlement()
    other_maker = make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="maker2")
    items = {"application_ids": [application.pk], "settlement_ids": [settlement.pk]}
    outcomes = race(
        lambda: services.make_batch(by=maker, **items),
        lambda: services.make_batch(by=other_maker, **items),
    )
    refusals = [o for o in outcomes if not isinstance(o, PaymentBatch)]
    assert len(refusals) == 1, outcomes
    assert refusals[0].code == PaymentError.ALREADY_IN_BATCH
    assert PaymentBatch.objects.count() == 1
    assert PaymentLine.objects.filter(application=application).count() == 1
    assert PaymentLine.objects.filter(settlement=settlement).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_result_file_imported_twice_at_once_pays_once(approved_claim, released, checker, manager):
    require_postgresql()
    application = approved_claim()
    batch = released([application])
    line = batch.lines.get()
    parsed = files.read_bank_results(
        "r.csv", result_csv([(line.reference, line.amount, "成功", "2023-07-03", "")])
    )
    outcomes = race(
        lambda: services.import_bank_results(batch=batch, by=checker, results=parsed),
        lambda: services.import_bank_results(batch=batch, by=checker, results=parsed),
    )
    assert sum(isinstance(o, services.ImportOutcome) for o in outcomes) == 1
    assert application.events.filter(kind="paid").count() == 1
