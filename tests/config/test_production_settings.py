import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

MANAGE = str(settings.BASE_DIR / "manage.py")


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
        if k
        not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, MANAGE, *args, "--settings=config.settings.production"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level=WARNING",
        SECRET_KEY="Zq8v-production-check-4fH2kP9xW1mN7bR3tY6uJ0cL5sD8gA2eV4iO9",
        ALLOWED_HOSTS="jiuzhu.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    [None, "abcde", "x" * 60, "django-insecure-" + "Zq8v4fH2kP9xW1mN7bR3tY6uJ0cL5sD8gA2eV4iO9"],
    ids=["unset", "five-characters", "one-character-repeated", "django-insecure"],
)
def test_production_refuses_to_start_without_a_strong_secret_key(key):
    result = run_manage("check", ALLOWED_HOSTS="jiuzhu.example.cn", **({"SECRET_KEY": key} if key else {}))
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment for production" in result.stderr


def test_collectstatic_with_the_production_manifest_storage_succeeds(tmp_path, production):
    """The manifest storage fails on a file that references a missing one (a vendored source map, say)."""
    # Third-party files are fixed, and compressing them is slow.
    third_party = ["admin", "rest_framework", "django_tables2"]
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=production.STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=third_party)
        hashed = staticfiles_storage.url("js/language.js")
    assert hashed.startswith("/static/js/language.")
    assert hashed != "/static/js/language.js"
    assert (tmp_path / hashed.removeprefix("/static/")).exists()
    assert (tmp_path / (hashed.removeprefix("/static/") + ".gz")).exists()


def test_gunicorn_takes_workers_bind_and_timeout_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "90")
    conf = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert (conf["workers"], conf["bind"], conf["timeout"]) == (3, "0.0.0.0:9000", 90)
    assert conf["accesslog"] == "-"
    assert "%(q)s" not in conf["access_log_format"]  # query strings (names, ID numbers) stay out of logs
