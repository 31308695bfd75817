"""Payable items built through the services: an approved claim for costs paid in advance (approved by
``reviewer``) and a one-stop settlement with an owed difference (settled by ``reviewer``); the makers,
checkers and releasers are other people."""

import datetime as dt
from decimal import Decimal

import pytest

from applications import services as application_services
from core.roles import Role
from finance.models import Budget
from payments import services
from settlements import services as settlement_services

APPLIED = dt.date(2023, 6, 1)
ACCOUNT = "6222021234567890123"


@pytest.fixture(autouse=True)
def budget(manager):
    """This year's Mianyang medical-assistance budget, ample: a batch is released against it (finance)."""
    return Budget.objects.create(
        fund="medical_assistance",
        region_id="5107",
        year=dt.date.today().year,
        amount=Decimal("100000000.00"),
        set_by=manager,
    )


@pytest.fixture
def maker(make_staff):
    return make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="maker", first_name="制单")


@pytest.fixture
def checker(make_staff):
    return make_staff(Role.MEDICAL_SECURITY_REVIEWER, "5107", username="checker", first_name="复核")


@pytest.fixture
def releaser(manager):
    return manager


@pytest.fixture
def dibao_person(claimant_factory, certification_factory, policy_year_factory):
    policy_year_factory(jurisdiction="mianyang", year=2023)

    def make(name="王小五", **kwargs):
        claimant = claimant_factory(name=name, **kwargs)
        certification_factory(claimant=claimant, category="dibao", valid_from=dt.date(2020, 1, 1))
        return claimant

    return make


@pytest.fixture
def with_payee(caseworker):
    def add(claimant, account=ACCOUNT):
        services.set_payee(
            claimant=claimant,
            by=caseworker,
            name=claimant.name,
            bank_name="农业银行绵阳分行",
            account_number=account,
        )
        return claimant

    return add


@pytest.fixture
def approved_claim(caseworker, reviewer, dibao_person, visit_factory, with_payee):
    """An approved claim for costs paid in advance, amount > 0, approved by ``reviewer``, payee recorded."""

    def make(name="王小五"):
        claimant = with_payee(dibao_person(name))
        visit = visit_factory(claimant=claimant, policy_scope_cost=Decimal("12000.00"))
        application = application_services.register_application(
            by=caseworker,
            claimant=claimant,
            kind="reimbursement",
            visits=[visit],
            submitted_on=APPLIED,
        )
        application = application_services.accept_application(application=application, by=caseworker)
        application = application_services.approve_application(application=application, by=reviewer)
        assert application.assessed_amount > 0
        return application

    return make


@pytest.fixture
def owed_settlement(reviewer, dibao_person, visit_factory, with_payee):
    """A one-stop settlement whose hospital advanced nothing: the whole assistance is owed (settled by
    ``reviewer``)."""

    def make(name="李小六"):
        claimant = with_payee(dibao_person(name))
        visit = visit_factory(claimant=claimant, policy_scope_cost=Decimal("15000.00"))
        settlement = settlement_services.settle_visit(visit=visit, by=reviewer)
        assert settlement.assistance_owed > 0
        return settlement

    return make


@pytest.fixture
def released(maker, checker, releaser):
    """A batch of the items, made, checked and released by three other people."""

    def run(applications=(), settlements=()):
        batch = services.make_batch(
            by=maker,
            application_ids=[a.pk for a in applications],
            settlement_ids=[s.pk for s in settlements],
        )
        batch = services.check_batch(batch=batch, by=checker)
        return services.release_batch(batch=batch, by=releaser)

    return run


def result_csv(rows) -> bytes:
    """A bank result file: rows of (reference, amount, result, paid_on, reason)."""
    lines = ["支付参考号,金额,结果,到账日期,失败原因"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()
