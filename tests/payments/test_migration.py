"""Applications paid before payment batches existed get their payment line in a historical batch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("payments", "0001_initial")]
AFTER = [("payments", "0002_paid_applications")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_every_paid_application_gets_a_paid_line_in_a_historical_batch(user_factory, claimant_factory):
    reviewer = user_factory(role="medical_security_reviewer")
    claimant = claimant_factory(name="孙八")
    try:
        old = _migrate(BEFORE)
        Application = old.get_model("applications", "AssistanceApplication")

        def application(state, **money):
            return Application.objects.create(
                kind="reimbursement",
                claimant_id=claimant.pk,
                region_id="510703001",
                state=state,
                submitted_on=dt.date(2024, 3, 1),
                aid_year=2024,
                created_by_id=reviewer.pk,
                **money,
            )

        paid = application(
            "paid",
            assessed_amount=Decimal("812.40"),
            paid_amount=Decimal("812.40"),
            paid_on=dt.date(2024, 4, 2),
            payment_reference="ZF00000001",
        )
        closed = application(
            "closed",
            assessed_amount=Decimal("95.00"),
            paid_amount=Decimal("95.00"),
            paid_on=dt.date(2024, 4, 9),
        )
        approved = application("approved", assessed_amount=Decimal("300.00"))
        nil_closed = application("closed", assessed_amount=Decimal("0.00"))

        new = _migrate(AFTER)

        Line = new.get_model("payments", "PaymentLine")
        lines = {line.application_id: line for line in Line.objects.select_related("batch")}
        assert set(lines) == {paid.pk, closed.pk}
        for app, amount, on in (
            (paid, "812.40", dt.date(2024, 4, 2)),
            (closed, "95.00", dt.date(2024, 4, 9)),
        ):
            line = lines[app.pk]
            assert (line.state, line.amount, line.paid_on, line.region_id) == (
                "paid",
                Decimal(amount),
                on,
                "510703001",
            )
            assert line.batch.historical
            assert line.batch.state == "reconciled"
            assert line.batch.region_id == "5107"
        batch = lines[paid.pk].batch
        assert (batch.line_count, batch.total_amount) == (2, Decimal("907.40"))
        assert approved.pk not in lines
        assert nil_closed.pk not in lines

        back = _migrate(BEFORE)
        assert not back.get_model("payments", "PaymentLine").objects.exists()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
