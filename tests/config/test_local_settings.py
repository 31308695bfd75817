import os
import subprocess
import sys

import pytest
from django.conf import settings

STARTUP = "import django.core.wsgi; django.core.wsgi.get_wsgi_application()"


def test_the_demo_server_starts_without_a_warning_before_collectstatic_has_run():
    """``make demo`` serves the static files from the apps (DEBUG off, no collectstatic): a new user's first
    start prints no WhiteNoise warning about the missing STATIC_ROOT."""
    if settings.STATIC_ROOT.exists():
        pytest.skip("collectstatic has run in this checkout")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    started = subprocess.run(  # noqa: S603 - this interpreter, the project's own settings
        [sys.executable, "-W", "error", "-c", STARTUP],
        cwd=settings.BASE_DIR,
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert "Warning" not in started.stderr
