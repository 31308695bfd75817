"""``manage.py rebuild_person_year_totals [--year YYYY]``: recompute the person-year totals the monthly job
reads from the visits (after visits were written in bulk outside the import, the settlements and the visit
pages, e.g. a data load), in one transaction, and print one JSON line with the number of totals. Exit 2
with one line on standard error for a year it cannot take."""

import json

from django.core.management.base import BaseCommand, CommandError

from monitoring import totals


class Command(BaseCommand):
    help = (
        "Recompute the person-year totals of the monthly alert job from the visits; print the count as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", help="only this year (YYYY); default: every year")

    def handle(self, *args, **options):
        raw = options.get("year")
        year = None
        if raw is not None:
            if not (raw.isdigit() and 2000 <= int(raw) <= 2099):
                raise CommandError(f'--year: "{raw}" is not a year from 2000 to 2099', returncode=2)
            year = int(raw)
        self.stderr.write(f"summing the visits of {year or 'every year'} per person")
        count = totals.rebuild(year=year)
        self.stdout.write(json.dumps({"year": year, "totals": count}))
