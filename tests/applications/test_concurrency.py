"""Two officers acting on the same application at the same moment, on PostgreSQL with real threads:
the row lock (select_for_update) makes one wait; it then sees the new state and is refused."""

import threading

import pytest
from django.db import connections

from applications import services
from applications.errors import CaseError
from applications.models import AssistanceApplication, CaseEvent, State
from core.errors import DomainError
from tests.conftest import require_postgresql

pytestmark = pytest.mark.postgres


def race(*calls):
    """Run the calls at once in their own threads (own connections); return each outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def body(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except DomainError as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_certify_and_decline_at_once_cannot_both_win(make_application, civil_officer, make_staff):
    require_postgresql()
    application = make_application(State.REFERRED)
    other_officer = make_staff("civil_affairs_officer", "510703")
    outcomes = race(
        lambda: services.certify_referral(
            application=application, by=civil_officer, valid_from=application.submitted_on, reason="符合条件"
        ),
        lambda: services.decline_referral(application=application, by=other_officer, reason="不符合条件"),
    )
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refusals) == 1
    assert refusals[0].code == CaseError.INVALID_TRANSITION
    stored = AssistanceApplication.objects.get(pk=application.pk)
    assert stored.state in {State.CERTIFIED, State.DECLINED}
    replies = CaseEvent.objects.filter(application=application, kind__in=["certified", "declined"])
    assert replies.count() == 1
    assert (stored.certification_id is not None) == (stored.state == State.CERTIFIED)


@pytest.mark.django_db(transaction=True)
def test_the_same_acceptance_twice_at_once_is_recorded_once(make_application, caseworker):
    require_postgresql()
    application = make_application()
    outcomes = race(
        lambda: services.accept_application(application=application, by=caseworker),
        lambda: services.accept_application(application=application, by=caseworker),
    )
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1
    assert CaseEvent.objects.filter(application=application, kind="accepted").count() == 1
