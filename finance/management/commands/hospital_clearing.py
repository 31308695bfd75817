"""Print the month's hospital clearing: per hospital with one-stop settlements or a statement, the figures
of its statement (or, before one is built, of the settlements as they stand)."""

import json

from django.core.management.base import BaseCommand, CommandError

from claimants.models import Region
from finance import clearing
from finance.models import HospitalStatement, StatementLine
from settlements.models import Hospital

MONEY_FIELDS = ("assistance_computed", "assistance_advanced", "difference", "to_repay")


class Command(BaseCommand):
    help = "Per hospital of a month: code, name, records, assistance computed and advanced, difference, to repay, state."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--region", help="a division code: hospitals of that region only")
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")

    def handle(self, *args, **options):
        month = clearing.parse_month(options["month"])
        if month is None:
            raise CommandError(f'--month: expected YYYY-MM, got "{options["month"]}"', returncode=2)
        region = options.get("region") or ""
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f'--region: no region "{region}"', returncode=2)
        self.stdout.write(json.dumps(rows(month, region), ensure_ascii=False, indent=1))


def rows(month, region: str) -> list[dict]:
    hospitals = Hospital.objects.filter(region__code__startswith=region).order_by("code")
    statements = {
        s.hospital_id: s for s in HospitalStatement.objects.filter(month=month, hospital__in=hospitals)
    }
    result = []
    for hospital in hospitals:
        statement = statements.get(hospital.pk)
        if statement is None:
            # Not built yet: the figures a statement built now would show (nothing is stored).
            preview = HospitalStatement(hospital=hospital, month=month)
            lines = clearing.lines_of(preview)
            if not lines:
                continue
            figures = _figures(lines)
            state = "not_built"
        else:
            figures = {
                "records": statement.record_count,
                **{name: str(getattr(statement, name)) for name in MONEY_FIELDS},
            }
            state = statement.state
        result.append({"code": hospital.code, "name": hospital.name, **figures, "state": state})
    return result


def _figures(lines: list[StatementLine]) -> dict:
    return {
        "records": sum(1 for line in lines if line.kind != "reversal"),
        **{name: str(sum(getattr(line, name) for line in lines)) for name in MONEY_FIELDS},
    }
