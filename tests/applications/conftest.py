"""Applications in any state of the workflow, built through the services as the right staff would."""

import datetime as dt

import pytest

from applications import services
from applications.models import State
from tests.settlements.conftest import certified, mianyang_2023  # noqa: F401  (the settlements fixtures)

SUBMITTED_ON = dt.date(2024, 3, 4)  # a Monday

# How an application reaches each state from SUBMITTED: (action, actor fixture, kwargs).
PATHS = {
    State.SUBMITTED: [],
    State.ACCEPTED: ["accept"],
    State.REFUSED: ["refuse"],
    State.REFERRED: ["accept", "refer"],
    State.CERTIFIED: ["accept", "refer", "certify"],
    State.DECLINED: ["accept", "refer", "decline"],
    State.RETURNED: ["accept", "refer", "certify", "send_back"],
    State.APPROVED: ["accept", "refer", "certify", "approve"],
    State.REJECTED: ["accept", "refer", "certify", "reject"],
    State.CLOSED: ["accept", "refer", "certify", "approve", "close"],
    State.WITHDRAWN: ["withdraw"],
}


@pytest.fixture
def act(caseworker, civil_officer, reviewer):
    """Run one action with the staff member whose step it is: act(application, "accept")."""

    def run(application, action, **kwargs):
        calls = {
            "accept": lambda: services.accept_application(application=application, by=caseworker),
            "refuse": lambda: services.refuse_application(
                application=application, by=caseworker, reason="材料不全：缺少发票原件"
            ),
            "refer": lambda: services.refer_application(application=application, by=caseworker),
            "certify": lambda: services.certify_referral(
                application=application,
                by=civil_officer,
                valid_from=SUBMITTED_ON,
                certificate_number="MZ-2024-001",
                reason="经核查家庭经济状况，符合低保边缘家庭条件",
            ),
            "decline": lambda: services.decline_referral(
                application=application, by=civil_officer, reason="家庭人均收入超过标准"
            ),
            "approve": lambda: services.approve_application(application=application, by=reviewer),
            "send_back": lambda: services.return_application(
                application=application, by=reviewer, reason="请补充出院小结"
            ),
            "resubmit": lambda: services.resubmit_application(
                application=application, by=caseworker, reason="已补充出院小结"
            ),
            "reject": lambda: services.reject_application(
                application=application, by=reviewer, reason="不符合条件"
            ),
            "pay": lambda: services.record_payment(
                application=application,
                by=reviewer,
                amount=application.assessed_amount,
                paid_on=dt.date(2024, 4, 1),
                reference="ZF-0001",
            ),
            "close": lambda: services.close_application(application=application, by=reviewer),
            "withdraw": lambda: services.withdraw_application(
                application=application, by=caseworker, reason="申请人书面撤回"
            ),
        }
        return calls[action]()

    return run


@pytest.fixture
def applicant(claimant_factory):
    return claimant_factory(name="李四")


@pytest.fixture
def make_application(caseworker, applicant, act):
    """A certification request (marginal, Mianyang) walked to ``state`` through the services."""

    def make(state=State.SUBMITTED, claimant=None):
        application = services.register_application(
            by=caseworker,
            claimant=claimant or applicant,
            kind="certification",
            requested_category="marginal",
            statement="因病致家庭生活困难，申请低保边缘家庭认定",
            submitted_on=SUBMITTED_ON,
        )
        for action in PATHS[state]:
            application = act(application, action)
        assert application.state == state
        return application

    return make
