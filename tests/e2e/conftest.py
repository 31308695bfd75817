"""Browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server (a test's own
rows) or against ``demo_server`` (the demo as ``make demo`` serves it, once per session)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_beside_playwright():
    """Playwright's sync API leaves an event loop in the test thread for the rest of the session; the ORM
    calls of fixtures and later tests stay sync. Set from the first browser test on (tests that run before
    it, e.g. ``check --deploy`` in a subprocess, do not inherit it)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session", autouse=True)
def _live_server_media_url():
    """The live server's media handler needs a URL prefix; the product has none (documents are served
    only through the permission-checked view), so the test server gets one that no page links to."""
    from django.conf import settings

    settings.MEDIA_URL = "/e2e-unused-media/"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def login(live_server):
    """login(page, user): sign in through the login form (users are made with the factory's password)."""

    def sign_in(page, user, password="pass-word-123"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state()

    return sign_in


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The demo as a new user meets it (``make demo``): a fresh SQLite database migrated and seeded, served by
    ``runserver`` with DEBUG off and in-process tasks, shared by every walk of the session, stopped by PID."""
    folder = tmp_path_factory.mktemp("demo")
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    } | {
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "MEDIA_ROOT": str(folder / "media"),
    }

    def manage(*arguments, **kwargs):
        return [sys.executable, "manage.py", *arguments], {"cwd": ROOT, "env": environment, **kwargs}

    for command in (("migrate", "--noinput", "-v0"), ("seed_demo",)):
        arguments, options = manage(*command)
        subprocess.run(arguments, check=True, capture_output=True, **options)  # noqa: S603
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (folder / "server.log").open("wb")
    arguments, options = manage("runserver", f"127.0.0.1:{port}", "--noreload", stdout=log, stderr=log)
    server = subprocess.Popen(arguments, **options)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{url}/accounts/login/", timeout=2):  # noqa: S310
                    break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
