"""``manage.py settle_scenario -`` as a user runs it: JSON in, JSON out; malformed input exits 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.settlements.policy.support import SHARED_EXAMPLES, mismatches

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(SHARED_EXAMPLES.glob("*.json"))


def _run(stdin: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "settle_scenario", *(arguments or ("-",))],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_the_shared_examples_are_found():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_shared_example_through_the_command(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    run = _run(json.dumps(case["scenario"], ensure_ascii=False))
    assert run.returncode == 0, run.stderr
    output = json.loads(run.stdout)
    assert [visit["id"] for visit in output["visits"]] == [
        visit["id"] for visit in case["scenario"]["visits"]
    ]
    assert mismatches(case, output) == []
    assert set(output["totals"]) == {
        "critical_illness_insurance",
        "medical_assistance",
        "tilted_assistance",
        "major_illness_assistance",
        "application_assistance",
        "personal_burden",
    }
    assert all(isinstance(line, str) for visit in output["visits"] for line in visit["explanation"])


def test_a_file_argument_and_unicode_output():
    run = _run("", str(EXAMPLES[0]))
    assert run.returncode == 0, run.stderr
    assert "适用救助身份" in run.stdout  # ensure_ascii=False


MALFORMED = {
    "not json": "{",
    "unknown jurisdiction": '{"jurisdiction": "shanghai", "year": 2023}',
    "negative amount": json.dumps(
        {
            "jurisdiction": "tianjin",
            "year": 2023,
            "parameters": {"income_last_year": "48976.00"},
            "certifications": [],
            "visits": [
                {
                    "id": "V1",
                    "type": "inpatient",
                    "discharged": "2023-03-01",
                    "referral": "referred",
                    "policy_scope_cost": "-5.00",
                }
            ],
        }
    ),
    "missing parameter": '{"jurisdiction": "mianyang", "year": 2023, "parameters": {}}',
    "money as a number": json.dumps(
        {
            "jurisdiction": "beijing",
            "year": 2023,
            "visits": [{"id": "V1", "type": "inpatient", "discharged": "2023-03-01", "referral": "referred"}],
        }
    ).replace('"referral": "referred"', '"referral": "referred", "policy_scope_cost": 100.5'),
}


@pytest.mark.parametrize("stdin", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_input_exits_2_with_one_line_on_stderr(stdin):
    run = _run(stdin)
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_missing_file_exits_2():
    run = _run("", "no-such-scenario.json")
    assert (run.returncode, run.stdout) == (2, "")


def test_supplementary_insurance_beyond_what_the_computed_critical_illness_leaves_exits_2():
    """The parser cannot see it (the 大病 tier is computed by the engine): scope 45000.00, basic 10000.00,
    Mianyang 大病 (35000.00 − 16500.00) × 60% = 11100.00 leaves 23900.00, below 34000.00 supplementary."""
    example = json.loads(
        (SHARED_EXAMPLES / "mianyang-supplementary-insurance-before-assistance.json").read_text()
    )
    scenario = example["scenario"]
    scenario["visits"] = [
        scenario["visits"][0]
        | {
            "policy_scope_cost": "45000.00",
            "basic_insurance_paid": "10000.00",
            "supplementary_paid": "34000.00",
        }
    ]
    run = _run(json.dumps(scenario))
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "CommandError: visit.supplementary_paid: 34000.00 is above what is left after basic insurance and"
        " critical-illness insurance (23900.00)"
    ]
