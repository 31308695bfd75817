"""Jurisdictions are packages: a fifth city is one new package and its name in the setting, no migration.

The fifth city here is a copy of the national package under the code ``testland``, governing Guangzhou
(4401). It is installed the way an operator would install it (``JIUZHU_EXTRA_JURISDICTIONS`` and the
package on the path) in a fresh process, and in this process through the registry.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from claimants import categories
from claimants.apps import jurisdiction_packages
from claimants.models import Region
from jurisdictions import registry
from settlements.models import PolicyYear
from settlements.policy.engine import settle_year
from settlements.policy.render import render_result
from settlements.policy.scenario import load_document, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests/settlements/policy/cases/national-dibao-defaults-and-scope.json"


def copy_national(target: Path, code: str = "testland", roots: tuple[str, ...] = ("4401",)) -> Path:
    """``jurisdictions/national`` copied to ``target/<code>``, with its code, name and region roots changed."""
    package = target / code
    shutil.copytree(ROOT / "jurisdictions/national", package, ignore=shutil.ignore_patterns("__pycache__"))
    init = package / "__init__.py"
    text = init.read_text(encoding="utf-8")
    text = text.replace("jurisdictions.national", code)
    text = text.replace('code="national"', f'code="{code}"').replace('"国家指导意见"', '"测试市"')
    text = text.replace("    policy=policy,\n", f"    policy=policy,\n    region_roots={roots!r},\n")
    init.write_text(text, encoding="utf-8")
    policy = package / "policy.py"
    policy.write_text(policy.read_text(encoding="utf-8").replace('"national"', f'"{code}"'), encoding="utf-8")
    parameters = package / "parameters.py"
    parameters.write_text(
        parameters.read_text(encoding="utf-8").replace("jurisdictions.national", code), encoding="utf-8"
    )
    return package


def scenario_as(code: str) -> dict:
    document = json.loads(CASE.read_text(encoding="utf-8"))["scenario"]
    return document | {"jurisdiction": code}


@contextlib.contextmanager
def installed(folder: Path, code: str, settings):
    """The package ``folder/code`` installed in this process; the registry as it was afterwards."""
    sys.path.insert(0, str(folder))
    try:
        registry.configure([*settings.JIUZHU_JURISDICTIONS, code])
        yield
    finally:
        registry.configure(settings.JIUZHU_JURISDICTIONS)
        sys.path.remove(str(folder))
        sys.modules.pop(code, None)
        sys.modules.pop(f"{code}.policy", None)
        sys.modules.pop(f"{code}.parameters", None)


@pytest.fixture
def testland(tmp_path, settings):
    """The copy installed in this process."""
    copy_national(tmp_path)
    with installed(tmp_path, "testland", settings):
        yield registry.get("testland")


def run_manage(
    *args: str, extra: Path, stdin: str | None = None, install: bool = True
) -> subprocess.CompletedProcess:
    environment = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(extra), str(ROOT)]),
        "JIUZHU_EXTRA_JURISDICTIONS": "testland" if install else "",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_fifth_city_installed_from_the_environment_needs_no_migration_and_settles(tmp_path):
    copy_national(tmp_path)
    migrations = run_manage("makemigrations", "--check", "--dry-run", extra=tmp_path)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    check = run_manage("check", extra=tmp_path)
    assert check.returncode == 0, check.stderr

    settled = run_manage("settle_scenario", "-", extra=tmp_path, stdin=json.dumps(scenario_as("testland")))
    assert settled.returncode == 0, settled.stderr
    expected = render_result(settle_year(parse_scenario(load_document(json.dumps(scenario_as("national"))))))
    # The same rules under another code: every figure and line as the national package gives them.
    assert json.loads(settled.stdout) == expected
    assert json.loads(settled.stdout)["totals"]["medical_assistance"] == "12600.00"


def test_without_the_package_the_code_is_refused_with_exit_2(tmp_path):
    copy_national(tmp_path)
    scenario = json.dumps(scenario_as("testland"))
    settled = run_manage("settle_scenario", "-", extra=tmp_path, stdin=scenario, install=False)
    assert settled.returncode == 2
    assert 'jurisdiction: unknown jurisdiction "testland"' in settled.stderr


@pytest.mark.django_db
def test_the_installed_city_governs_its_regions_and_is_a_choice_of_every_model(testland):
    assert registry.jurisdiction_of_region("440103") == "testland"
    assert registry.jurisdiction_of_region("510703") == "mianyang"
    assert registry.jurisdiction_of_region("450100") == "national"
    Region(code="4401", name="广州市", level=Region.Level.CITY, jurisdiction="testland").full_clean(
        exclude=["parent"]
    )
    policy_year = PolicyYear(jurisdiction="testland", year=2023, effective_from="2023-01-01")
    assert policy_year.get_jurisdiction_display() == "测试市"
    assert categories.categories_of("testland") == categories.categories_of("national")
    assert jurisdiction_packages() == []


@pytest.mark.django_db
def test_a_code_no_package_declares_is_not_a_valid_choice():
    with pytest.raises(ValidationError, match="jurisdiction"):
        Region(code="4401", name="广州市", level=Region.Level.CITY, jurisdiction="testland").full_clean(
            exclude=["parent"]
        )


def test_the_system_check_names_what_is_wrong_in_a_package(tmp_path, settings):
    package = copy_national(tmp_path, code="badland", roots=("44x1",))
    init = package / "__init__.py"
    init.write_text(
        init.read_text(encoding="utf-8").replace(
            "alert_departments=(CIVIL_AFFAIRS, RURAL_REVITALIZATION)",
            'alert_departments=(CIVIL_AFFAIRS, "health_commission"), funds={"orphan": "charity"}',
        ),
        encoding="utf-8",
    )
    with installed(tmp_path, "badland", settings):
        messages = [error.msg for error in jurisdiction_packages()]
    assert messages == [
        'jurisdiction "badland": alerts go to an unknown department "health_commission"',
        'jurisdiction "badland": a fund is named for "orphan", not one of its categories',
        'jurisdiction "badland": the fund "charity" is declared nowhere',
        'jurisdiction "badland": the region root "44x1" is not a province, city or county code',
    ]


def test_a_listed_package_that_cannot_be_installed_is_named(settings):
    with pytest.raises(registry.RegistryError, match=r"jurisdictions\.nowhere: cannot be imported"):
        registry.configure([*settings.JIUZHU_JURISDICTIONS, "jurisdictions.nowhere"])
    registry.configure(settings.JIUZHU_JURISDICTIONS)
    with pytest.raises(registry.RegistryError, match='the code "mianyang" is installed twice'):
        registry.configure([*settings.JIUZHU_JURISDICTIONS, "jurisdictions.mianyang"])
    registry.configure(settings.JIUZHU_JURISDICTIONS)
