"""``manage.py settle_scenario FILE.json`` (or ``-`` for standard input): one person's year as JSON.

FILE may also be a worked example of ``../shared/policy/examples`` (its ``scenario`` is settled).

A thin shell over ``settlements.policy.scenario`` and ``settlements.policy.render``: input it cannot accept exits 2 with one line on
standard error and nothing on standard output (SCENARIOS.md).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from settlements.policy.engine import settle_year
from settlements.policy.errors import PolicyInputError
from settlements.policy.render import render_result
from settlements.policy.scenario import load_document, parse_scenario


class Command(BaseCommand):
    help = "Settle one person's policy year described by a scenario JSON file (or - for stdin)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="scenario JSON file, or - to read standard input")

    def handle(self, *args, **options):
        source = options["file"]
        try:
            raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{source}: cannot read ({error.__class__.__name__})", returncode=2) from error
        try:
            result = settle_year(parse_scenario(load_document(raw)))
        except PolicyInputError as error:  # a malformed scenario, or values the rules cannot settle
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(json.dumps(render_result(result), ensure_ascii=False, indent=2))
