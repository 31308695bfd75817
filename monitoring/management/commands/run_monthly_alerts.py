"""``manage.py run_monthly_alerts --period YYYY-MM [--region CODE]``: run a month of the high-cost alert
job now, in this process, through the same service as the scheduled task, and print the run's summary as
one JSON line. Exit 2 with one line on standard error for input it cannot take."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from claimants.models import Region
from core.errors import DomainError
from monitoring import services
from monitoring.models import AlertRun

SUMMARY = ("regions_total", "regions_done", "hits", "pushed", "carried_over", "reported")


def parse_period(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError as error:
        raise CommandError(f'--period: "{value}" is not a month (YYYY-MM)', returncode=2) from error


class Command(BaseCommand):
    help = "Run the monthly high-cost alert job for one month now and print the run's summary as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month, YYYY-MM (it must have ended)")
        parser.add_argument("--region", help="only this region's counties (a division code); default: all")

    def handle(self, *args, **options):
        period = parse_period(options["period"])
        region = options.get("region")
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f'--region: no region "{region}"', returncode=2)
        self.stderr.write(f"running the high-cost alerts of {period:%Y-%m} over {region or 'every city'}")
        try:
            run = services.run_monthly_alerts(period=period, trigger=AlertRun.Trigger.MANUAL, region=region)
        except DomainError as error:
            raise CommandError(error.message, returncode=2) from error
        summary = {"run": run.pk, "period": f"{run.period:%Y-%m}", "region": region, "status": run.status}
        self.stdout.write(
            json.dumps(summary | {name: getattr(run, name) for name in SUMMARY}, ensure_ascii=False)
        )
