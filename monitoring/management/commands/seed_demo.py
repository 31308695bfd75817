"""Load the demo data of every app (idempotent: existing data is kept) and print the demo accounts."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from applications import demo as cases_demo
from claimants import demo as claimants_demo
from claimants.models import Region
from monitoring import demo as monitoring_demo
from settlements import demo as settlements_demo


class Command(BaseCommand):
    help = "Load regions and demo data, then list the demo accounts."

    def handle(self, *args, **options):
        if not Region.objects.filter(code="5107").exists():
            call_command("load_divisions", stdout=self.stdout)
        result = claimants_demo.seed()
        self.stdout.write(f"demo claimants created: {result['claimants']}")
        self.stdout.write(f"demo settlements: {settlements_demo.seed()}")
        self.stdout.write(f"demo applications created: {cases_demo.seed()['applications']}")
        self.stdout.write(f"demo high-cost alerts created: {monitoring_demo.seed()['alerts']}")
        self.stdout.write(f"demo accounts (password: {claimants_demo.DEMO_PASSWORD}):")
        for username, role, region in result["accounts"]:
            self.stdout.write(f"  {username:<16} {role:<12} {region}")
