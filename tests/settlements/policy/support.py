"""Running worked cases (shared examples and this project's cases) through the scenario contract."""

import json
import os
from decimal import Decimal
from pathlib import Path

from settlements.policy.engine import settle_year
from settlements.policy.render import render_result
from settlements.policy.scenario import parse_scenario

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# The settings' rule (config/settings/base.py), read without Django: SHARED_DIR, else ../shared.
SHARED_DIR = Path(os.environ.get("SHARED_DIR") or PROJECT_ROOT.parent / "shared")
SHARED_EXAMPLES = (SHARED_DIR / "policy" / "examples").resolve()
OWN_CASES = Path(__file__).resolve().parent / "cases"
MONEY_FIELDS = frozenset(
    {
        "critical_illness_insurance",
        "medical_assistance",
        "tilted_assistance",
        "major_illness_assistance",
        "personal_burden",
        "assistance",
        "application_assistance",
    }
)
VISIT_TIERS = (
    "critical_illness_insurance",
    "medical_assistance",
    "tilted_assistance",
    "major_illness_assistance",
)


def load_case(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def run_case(case: dict) -> dict:
    """The rendered output of a case's scenario (round-tripped through JSON text like the command)."""
    document = json.loads(json.dumps(case["scenario"], default=str), parse_float=Decimal)
    return render_result(settle_year(parse_scenario(document)))


def _same(field: str, want, have) -> bool:
    if field in MONEY_FIELDS and want is not None and have is not None:
        return Decimal(want) == Decimal(have)
    return want == have


def mismatches(case: dict, output: dict) -> list[str]:
    """Every expected figure that the output does not match, as readable lines."""
    problems = []
    expected = case["expected"]
    for section in ("visits", "applications"):
        got = {item["id"]: item for item in output[section]}
        for item_id, fields in expected.get(section, {}).items():
            if item_id not in got:
                problems.append(f"{section} {item_id}: missing from the output")
                continue
            for field, want in fields.items():
                have = got[item_id].get(field)
                if not _same(field, want, have):
                    problems.append(f"{section} {item_id} {field}: want {want}, got {have}")
    for field, want in expected.get("totals", {}).items():
        if not _same(field, want, output["totals"][field]):
            problems.append(f"totals {field}: want {want}, got {output['totals'][field]}")
    return problems
