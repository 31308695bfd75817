import datetime as dt

import pytest

from applications import deadlines, selectors
from applications.models import PublicHoliday, State
from tests.applications.conftest import SUBMITTED_ON


def test_working_days_skip_weekends():
    friday = dt.date(2024, 3, 8)
    assert deadlines.add_working_days(friday, 1, set()) == dt.date(2024, 3, 11)
    assert deadlines.add_working_days(friday, 5, set()) == dt.date(2024, 3, 15)


@pytest.mark.django_db
def test_public_holidays_entered_by_an_administrator_move_the_deadline():
    start = dt.date(2024, 9, 27)  # Friday before 国庆
    assert deadlines.due_date(State.SUBMITTED, start) == dt.date(2024, 10, 4)
    for day in range(1, 8):
        PublicHoliday.objects.create(day=dt.date(2024, 10, day), name="国庆节")
    assert deadlines.due_date(State.SUBMITTED, start) == dt.date(2024, 10, 11)


@pytest.mark.django_db
def test_step_days_are_a_setting(settings):
    settings.JIUZHU_APPLICATION_STEP_DAYS = {State.SUBMITTED: 1}
    assert deadlines.due_date(State.SUBMITTED, SUBMITTED_ON) == dt.date(2024, 3, 5)
    assert deadlines.due_date(State.CLOSED, SUBMITTED_ON) is None


@pytest.mark.django_db
def test_overdue_applications_are_counted_per_state(make_application, manager):
    submitted = make_application()
    make_application(State.REFERRED)
    make_application(State.REFUSED)  # final: never overdue
    assert submitted.due_on == dt.date(2024, 3, 11)
    assert selectors.overdue_counts(user=manager, today=dt.date(2024, 3, 11)) == {}
    counts = selectors.overdue_counts(user=manager, today=dt.date(2024, 3, 12))
    assert counts == {State.SUBMITTED: 1}
    # The referral was made today (the services default to today's date): due 15 working days later.
    later = selectors.overdue_counts(user=manager, today=dt.date.today() + dt.timedelta(days=40))
    assert later == {State.SUBMITTED: 1, State.REFERRED: 1}
