"""The claimant's timeline: one list of dated entries that every app contributes to.

``claimants`` imports no other app, so the page asks a registry of provider functions. An app adds its
entries (visits, settlements, applications, alerts) from its ``AppConfig.ready()``::

    from claimants import timeline

    def visit_entries(claimant, user) -> list[timeline.TimelineEntry]:
        return [timeline.TimelineEntry(at=v.admitted, kind="visit", title=..., url=v.get_absolute_url())
                for v in visits_visible_to(user).filter(claimant=claimant)]

    timeline.PROVIDERS.connect(visit_entries)

A provider receives the claimant (already scoped to the user) and the user, and returns its entries in
any order; it must filter anything further by the user's scope itself. Entries are shown newest first.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from claimants.hooks import Hook


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime | dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.at, dt.datetime):
            return self.at if timezone.is_aware(self.at) else timezone.make_aware(self.at)
        return timezone.make_aware(dt.datetime.combine(self.at, dt.time.min))


# ``provider(claimant, user) -> list[TimelineEntry]``, connected by each app.
PROVIDERS = Hook("timeline providers")


def entries_for(claimant, user) -> list[TimelineEntry]:
    entries = [entry for provided in PROVIDERS.call(claimant, user) for entry in provided]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)
