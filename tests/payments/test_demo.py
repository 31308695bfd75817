import datetime as dt

import pytest

from applications import demo as cases_demo
from applications.models import AssistanceApplication, State
from claimants import demo as claimants_demo
from finance import demo as finance_demo
from payments import demo, selectors
from payments.models import BatchState, LineState, PaymentBatch
from settlements import demo as settlements_demo


@pytest.mark.django_db
def test_demo_has_a_paid_batch_with_a_bounce_back_in_the_queue_a_released_one_and_one_to_check():
    claimants_demo.create_staff()
    claimants_demo.create_claimants(per_city=40)
    settlements_demo.seed()
    cases_demo.seed()
    finance_demo.create_budgets(dt.date.today().year)  # a batch is released against its fund's budget
    assert demo.seed()["batches"] >= 3
    batches = PaymentBatch.objects.filter(region_id="5107").order_by("made_at")
    assert [b.state for b in batches] == [BatchState.RECONCILED, BatchState.RELEASED, BatchState.MADE]
    paid = batches[0]
    bounced = paid.lines.get(state=LineState.FAILED)
    assert paid.lines.filter(state=LineState.PAID).count() == paid.line_count - 1
    if bounced.settlement_id:
        assert selectors.payable_settlements("5107").filter(pk=bounced.settlement_id).exists()
    else:
        assert selectors.payable_applications("5107").filter(pk=bounced.application_id).exists()
    claim = AssistanceApplication.objects.get(
        kind="reimbursement", region_id="510703001", payment_lines__batch=paid
    )
    assert claim.state == State.PAID
    assert {"my_checker", "bj_checker", "tj_checker"} <= {a[0] for a in demo.accounts()}
    assert demo.seed() == {"batches": 0}  # idempotent
