"""The application events of a person on the claimant's timeline (``claimants.timeline``)."""

from applications import selectors
from claimants.timeline import TimelineEntry


def application_entries(claimant, user) -> list[TimelineEntry]:
    """Events of the applications the user may see (a department officer: those referred to them)."""
    visible = selectors.applications_visible_to(user).filter(claimant=claimant).values("pk")
    return [
        TimelineEntry(
            at=event.at,
            kind="application",
            title=f"{event.application.number} {event.get_kind_display()}",
            detail=event.reason,
            url=event.application.get_absolute_url(),
        )
        for event in selectors.claimant_events(claimant).filter(application__in=visible)
    ]
