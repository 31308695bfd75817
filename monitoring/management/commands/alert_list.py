"""``manage.py alert_list --period YYYY-MM [--region CODE] --format json|xlsx [--output FILE]
[--full-id --as USERNAME]``: the month's high-cost list as the departments receive it: per person the
name, the ID number masked (full only with ``--full-id``, for a user who may export full numbers, written
to the audit log under that user with the row count and the people), hukou and insured place, the annual
cumulative out-of-pocket amount, the category held, whether already certified and new this month, and the
departments it went to. JSON goes to standard output unless ``--output``; XLSX needs ``--output``."""

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from openpyxl import Workbook

from claimants import categories, roles, spreadsheets
from claimants.models import Region, User
from claimants.services import audit
from monitoring.management.commands.run_monthly_alerts import parse_period
from monitoring.models import HighCostAlert

COLUMNS = (
    "name",
    "id_number",
    "hukou_place",
    "insured_place",
    "amount",
    "category_held",
    "already_certified",
    "new_this_month",
    "departments",
)


class Command(BaseCommand):
    help = "Print or write the month's high-cost list (JSON or XLSX) as the departments receive it."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--region", help="a division code: that region's counties only")
        parser.add_argument("--format", choices=("json", "xlsx"), default="json")
        parser.add_argument("--output", help="the file to write (required for xlsx)")
        parser.add_argument("--full-id", action="store_true", help="full ID numbers (audited; needs --as)")
        parser.add_argument("--as", dest="username", help="the user the full-number export is audited under")

    def handle(self, *args, **options):
        period = parse_period(options["period"])
        region = options.get("region") or ""
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f'--region: no region "{region}"', returncode=2)
        if options["format"] == "xlsx" and not options.get("output"):
            raise CommandError("--output: required for --format xlsx", returncode=2)
        by = None
        if options["full_id"]:
            by = User.objects.filter(username=options.get("username") or "").first()
            if by is None or not roles.may_export_full_ids(by):
                raise CommandError(
                    "--full-id: give --as USERNAME of a user who may export full numbers", returncode=2
                )
        rows = self.rows(period, region, by=by)
        if options["format"] == "json":
            text = json.dumps(rows, ensure_ascii=False, indent=1)
            if options.get("output"):
                Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
        else:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(f"{period:%Y-%m}")
            spreadsheets.append(sheet, COLUMNS)
            for row in rows:
                spreadsheets.append(sheet, [", ".join(v) if isinstance(v, list) else v for v in row.values()])
            workbook.save(options["output"])
        self.stderr.write(f"{len(rows)} people on the list of {period:%Y-%m}")

    def rows(self, period: dt.date, region: str, *, by: User | None) -> list[dict]:
        full_id = by is not None
        alerts = (
            HighCostAlert.objects.filter(period=period, county__code__startswith=region[:6])
            .select_related("claimant", "hukou_region", "insured_region")
            .order_by("county_id", "claimant_id", "department")
        )
        people: dict[int, dict] = {}
        departments = defaultdict(list)
        for alert in alerts:
            claimant = alert.claimant
            departments[claimant.pk].append(alert.department)
            people.setdefault(
                claimant.pk,
                {
                    "name": claimant.name,
                    "id_number": claimant.id_number if full_id else claimant.masked_id_number,
                    "hukou_place": alert.hukou_region.full_name,
                    "insured_place": alert.insured_region.full_name,
                    "amount": str(alert.amount),
                    "category_held": categories.label_of(alert.category_held) if alert.category_held else "",
                    "already_certified": alert.already_certified,
                    "new_this_month": alert.new_this_month,
                },
            )
        if full_id:
            audit(
                user=by,
                action="export_full_id_numbers",
                target_type="monitoring.highcostalert",
                period=f"{period:%Y-%m}",
                region=region,
                rows=len(people),
                claimant_ids=sorted(people),
            )
        return [person | {"departments": departments[pk]} for pk, person in people.items()]
