"""Benchmarks: ``python -m bench NAME [--scale small|full]``.

Each module ``bench/<NAME>.py`` exposes ``run(scale: str) -> dict``; progress goes to stderr and the
figures are printed as one JSON object on the last stdout line. Benchmarks that touch the database use
the one in ``DATABASE_URL``, migrate it first, load data with COPY and clean up after themselves; a
module that needs no database says ``USES_DATABASE = False``.
"""

import sys
import time


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
