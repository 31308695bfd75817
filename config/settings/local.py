"""Developer and demo settings: SQLite by default, tasks in-process, debug on."""

import re
import warnings

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# `make demo` runs with DEBUG off, so that a new user meets the product's own error pages, not Django's
# debug page; WhiteNoise then serves the static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
# STATIC_ROOT exists only once collectstatic has run (production): without it WhiteNoise warns at every start.
warnings.filterwarnings("ignore", message=re.escape(f"No directory at: {STATIC_ROOT}"))  # noqa: F405
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
