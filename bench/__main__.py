import argparse
import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_")
    )
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run one benchmark.")
    parser.add_argument("name", choices=names)
    parser.add_argument("--scale", choices=("small", "full"), default="small")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")  # no query log growing in memory
    import django

    django.setup()
    module = importlib.import_module(f"bench.{args.name}")
    if getattr(module, "USES_DATABASE", True):
        from django.core.management import call_command

        from bench import progress

        progress("migrating the database in DATABASE_URL")
        call_command("migrate", interactive=False, verbosity=0)
    figures = module.run(args.scale)
    print(json.dumps({"benchmark": args.name, "scale": args.scale, **figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
