from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claimants.divisions import load_divisions


class Command(BaseCommand):
    help = "Load administrative divisions (province to township) from shared/data/divisions."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=settings.SHARED_DIR / "data" / "divisions")
        parser.add_argument("--only", default="", help="comma-separated code prefixes, e.g. 5107,11,12")

    def handle(self, *args, dir: Path, only: str, **options):
        if not (dir / "streets.csv").exists():
            raise CommandError(f"no divisions found in {dir}", returncode=2)
        prefixes = tuple(p.strip() for p in only.split(",") if p.strip())
        count = load_divisions(dir, only=prefixes)
        self.stdout.write(f"loaded {count} regions")
