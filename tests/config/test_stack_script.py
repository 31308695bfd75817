"""bin/stack keeps the web server up when a Celery worker dies: the worker is started again."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from django.conf import settings

FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$LOG"
case "$*" in
  *"manage.py shell"*) exit 1 ;;          # users exist: no demo data
  *"manage.py"*) exit 0 ;;
  *"-m gunicorn"*) exec sleep 30 ;;
  *" worker "*) exit 9 ;;                 # the worker dies at once, every time
  *" beat "*) exec sleep 30 ;;
esac
"""


def test_a_dead_worker_is_started_again_and_the_web_server_stays_up(tmp_path: Path):
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    log = tmp_path / "calls.log"
    env = {**os.environ, "PY": str(fake), "LOG": str(log), "REDIS_URL": "redis://127.0.0.1:1/0"}
    stack = subprocess.Popen(  # noqa: S603 (the project's own script)
        [shutil.which("bash"), str(settings.BASE_DIR / "bin" / "stack")],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3.5)
    assert stack.poll() is None, "the stack stopped when the worker died"
    stack.send_signal(signal.SIGTERM)
    _out, err = stack.communicate(timeout=20)
    starts = [line for line in log.read_text().splitlines() if " worker " in f" {line} "]
    assert len(starts) >= 2
    assert "starting it again" in err
    assert stack.returncode == 143
