"""Deadlines of the workflow steps, in working days (OPERATIONS.md 1).

「Working days exclude weekends and the public holidays an administrator enters for the year」 [decision];
「a deadline shown to a user is a date, not a count」. The number of working days per step is a setting
(``JIUZHU_APPLICATION_STEP_DAYS``, merged over ``DEFAULT_STEP_DAYS``); docs/applications.md explains the defaults.
"""

import datetime as dt

from django.conf import settings

from applications.models import PublicHoliday, State

# Working days allowed for the step that starts when an application enters each open state.
DEFAULT_STEP_DAYS = {
    State.SUBMITTED: 5,  # acceptance at the township office
    State.ACCEPTED: 15,  # referral or medical-security review (national item 212000808000: 15 working days)
    State.REFERRED: 15,  # the department's reply: no public limit, 15 working days [decision]
    State.CERTIFIED: 15,  # medical-security review after the reply
    State.RETURNED: 10,  # correction by the township office
    State.APPROVED: 5,  # payment after approval
    State.PAID: 3,  # closing the case
}


def step_days() -> dict[str, int]:
    return {**DEFAULT_STEP_DAYS, **getattr(settings, "JIUZHU_APPLICATION_STEP_DAYS", {})}


def add_working_days(start: dt.date, days: int, holidays: set[dt.date]) -> dt.date:
    """The date ``days`` working days after ``start`` (a step started on a Friday with 1 day is due Monday)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days -= 1
    return day


def due_date(state: str, start: dt.date) -> dt.date | None:
    """When the step entered in ``state`` on ``start`` is due, or None for a final state."""
    days = step_days().get(state)
    if days is None:
        return None
    # Enough calendar days to hold the step plus every weekend and a long holiday (春节 is 8 days).
    horizon = start + dt.timedelta(days=days * 2 + 30)
    holidays = set(
        PublicHoliday.objects.filter(day__gt=start, day__lte=horizon).values_list("day", flat=True)
    )
    return add_working_days(start, days, holidays)
