"""A payment batch passes through the fund accounts: its release is checked against the budget and reserves
its amount; the bank's results book what was paid as spending and free what bounced."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import DomainError
from finance import services as finance
from finance.errors import BudgetError
from finance.models import BudgetOverride, FundSpending, SpendingKind
from payments import files, services
from payments.models import BatchState
from tests.payments.conftest import result_csv

PAID_ON = dt.date.today()
YEAR = PAID_ON.year


def used():
    return finance.used_amount(fund="medical_assistance", region="5107", year=YEAR)


def checked_batch(maker, checker, *items):
    batch = services.make_batch(by=maker, application_ids=[item.pk for item in items])
    return services.check_batch(batch=batch, by=checker)


def test_a_release_past_the_budget_is_refused_and_nothing_is_released(
    approved_claim, maker, checker, releaser, budget
):
    batch = checked_batch(maker, checker, approved_claim())
    budget.amount = batch.total_amount - Decimal("0.01")
    budget.save()
    with pytest.raises(DomainError) as refused:
        services.release_batch(batch=batch, by=releaser)
    assert refused.value.code == BudgetError.OVER_BUDGET
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED
    assert used() == 0


def test_the_managers_release_note_is_the_recorded_reason_for_going_past_the_budget(
    approved_claim, maker, checker, releaser, budget
):
    batch = checked_batch(maker, checker, approved_claim())
    budget.amount = Decimal("1.00")
    budget.save()
    batch = services.release_batch(batch=batch, by=releaser, note="年底集中支付，预算追加已报批")
    assert batch.state == BatchState.RELEASED
    override = BudgetOverride.objects.get()
    assert (override.reason, override.amount, override.by) == (
        "年底集中支付，预算追加已报批",
        batch.total_amount,
        releaser,
    )


def test_a_released_batch_reserves_its_amount_until_the_bank_pays_it(
    approved_claim, maker, checker, releaser
):
    batch = services.release_batch(batch=checked_batch(maker, checker, approved_claim()), by=releaser)
    assert used() == batch.total_amount
    (line,) = batch.lines.all()
    paid = files.read_bank_results(
        "r.csv", result_csv([(line.reference, line.amount, "成功", PAID_ON.isoformat(), "")])
    )
    services.import_bank_results(batch=batch, by=checker, results=paid)
    spending = FundSpending.objects.get()
    assert (spending.kind, spending.amount, spending.date, spending.region_id) == (
        SpendingKind.PERSONAL_PAYMENT,
        batch.total_amount,
        PAID_ON,
        "5107",
    )
    assert used() == batch.total_amount  # spent now, no longer reserved: counted once


def test_a_bounced_payment_frees_its_share_and_a_paid_one_is_spent(approved_claim, maker, checker, releaser):
    first, second = approved_claim("王小五"), approved_claim("赵小七")
    batch = services.release_batch(batch=checked_batch(maker, checker, first, second), by=releaser)
    good, bad = batch.lines.order_by("pk")
    results = files.read_bank_results(
        "r.csv",
        result_csv(
            [
                (good.reference, good.amount, "成功", PAID_ON.isoformat(), ""),
                (bad.reference, bad.amount, "失败", "", "账号有误"),
            ]
        ),
    )
    services.import_bank_results(batch=batch, by=checker, results=results)
    assert FundSpending.objects.get().amount == good.amount
    assert used() == good.amount


def test_a_release_that_takes_the_budget_past_90_percent_is_warned_on_the_batch_page(
    client, approved_claim, maker, checker, releaser, budget
):
    batch = checked_batch(maker, checker, approved_claim())
    budget.amount = batch.total_amount + Decimal("1.00")
    budget.save()
    client.force_login(releaser)
    response = client.post(reverse("payments:batch_release", args=[batch.pk]), {"note": ""}, follow=True)
    page = response.content.decode()
    assert "预算提示：医疗救助基金 批准后执行率" in page
    batch.refresh_from_db()
    assert batch.state == BatchState.RELEASED
