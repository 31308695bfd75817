"""Operators' commands: the monthly job, the month's list, and platform settlement records."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from claimants.models import AuditLog, Claimant, ImportBatch, Region
from settlements.models import Visit
from tests.settlements.test_visit_import import PLATFORM, csv_bytes, platform_row

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_run_monthly_alerts_prints_the_runs_summary(mianyang_2023, person_with_costs):
    person_with_costs("20000.00")
    summary = json.loads(run("run_monthly_alerts", "--period", "2023-03").strip().splitlines()[-1])
    assert (summary["status"], summary["hits"], summary["pushed"]) == ("finished", 1, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "March"], "not a month"),
        (["--period", "2999-01"], "已结束"),
        (["--period", "2023-03", "--region", "99"], "no region"),
    ],
)
def test_run_monthly_alerts_refuses_bad_input_with_exit_2(mianyang_2023, args, message):
    with pytest.raises(CommandError) as refused:
        run("run_monthly_alerts", *args)
    assert refused.value.returncode == 2
    assert message in str(refused.value)


def test_alert_list_as_json_and_xlsx_masked_unless_full_ids_are_asked_and_audited(
    mianyang_2023, person_with_costs, reviewer, tmp_path
):
    person = person_with_costs("20000.00")
    run("run_monthly_alerts", "--period", "2023-03")
    [entry] = json.loads(run("alert_list", "--period", "2023-03"))
    assert entry["id_number"] == person.masked_id_number
    assert entry["amount"] == "20000.00"
    assert (entry["already_certified"], entry["new_this_month"]) == (False, True)
    assert sorted(entry["departments"]) == ["civil_affairs", "rural_revitalization"]
    target = tmp_path / "list.xlsx"
    run("alert_list", "--period", "2023-03", "--format", "xlsx", "--output", str(target))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][:2] == (person.name, person.masked_id_number)
    with pytest.raises(CommandError):
        run("alert_list", "--period", "2023-03", "--full-id")
    [full] = json.loads(run("alert_list", "--period", "2023-03", "--full-id", "--as", reviewer.username))
    assert full["id_number"] == person.id_number
    log = AuditLog.objects.get(action="export_full_id_numbers")
    assert (log.user, log.detail["claimant_ids"]) == (reviewer, [person.pk])


def test_import_platform_settlements_stages_and_commits_and_prints_the_counts(
    mianyang_2023, claimant_factory, reviewer, tmp_path
):
    person = claimant_factory()
    source = tmp_path / "setl.csv"
    source.write_bytes(
        csv_bytes(PLATFORM, [platform_row("P1", person), platform_row("P2", person, certno="x")])
    )
    counts = json.loads(run("import_platform_settlements", str(source), "--as", reviewer.username))
    assert (counts["rows"], counts["visits"], counts["refused"]) == (2, 1, 1)
    assert Visit.objects.get().settlement_ref == "P1"
    again = json.loads(run("import_platform_settlements", str(source), "--as", reviewer.username))
    assert (again["visits"], again["unchanged"]) == (0, 1)
    with pytest.raises(CommandError) as refused:
        run("import_platform_settlements", str(source), "--as", "nobody")
    assert refused.value.returncode == 2


def test_import_platform_settlements_takes_several_files_one_batch_and_one_line_each(
    mianyang_2023, claimant_factory, reviewer, tmp_path
):
    person = claimant_factory()
    files = []
    for month in ("03", "04"):
        path = tmp_path / f"setl-{month}.csv"
        path.write_bytes(
            csv_bytes(PLATFORM, [platform_row(f"M{month}", person, setl_time=f"2023-{month}-10")])
        )
        files.append(str(path))
    lines = run("import_platform_settlements", *files, "--as", reviewer.username).splitlines()
    assert [json.loads(line)["file"] for line in lines] == ["setl-03.csv", "setl-04.csv"]
    assert sorted(Visit.objects.values_list("settlement_ref", flat=True)) == ["M03", "M04"]
    with pytest.raises(CommandError) as missing:
        run("import_platform_settlements", files[0], str(tmp_path / "absent.csv"), "--as", reviewer.username)
    assert missing.value.returncode == 2
    assert "absent.csv" in str(missing.value)
    assert Visit.objects.count() == 2  # nothing imported when one of the files cannot be read


def test_the_import_keeps_no_query_log_across_files_when_debug_is_on(
    mianyang_2023, claimant_factory, reviewer, tmp_path, settings
):
    # DEBUG keeps each query's text (a file's look-ups name its 100,000 ID numbers): an operator's import of
    # fifty files must not hold fifty files' worth of it.
    settings.DEBUG = True
    path = tmp_path / "setl.csv"
    path.write_bytes(csv_bytes(PLATFORM, [platform_row("Q1", claimant_factory())]))

    run("import_platform_settlements", str(path), "--as", reviewer.username)

    assert list(connection.queries) == []
    assert Visit.objects.filter(settlement_ref="Q1").exists()


@pytest.mark.django_db(transaction=True)
def test_files_staged_while_the_previous_one_commits_give_what_one_after_the_other_gives(
    mianyang_2023, claimant_factory, reviewer, tmp_path
):
    """On PostgreSQL the next file is validated while the previous one commits: a person new in both files is
    created once (the second file, staged before the first created her, is validated again at its commit)."""
    if connection.vendor != "postgresql":
        pytest.skip("the files overlap on PostgreSQL only")
    stranger = claimant_factory.build(name="王平台", hukou_region=Region.objects.get(code="510703001"))
    header = [*PLATFORM, "hukou_admdvs"]
    files = []
    for month in ("03", "04", "05"):
        path = tmp_path / f"setl-{month}.csv"
        rows = [[*platform_row(f"S{month}", stranger, setl_time=f"2023-{month}-10"), "510703001"]]
        path.write_bytes(csv_bytes(header, rows))
        files.append(str(path))
    lines = [
        json.loads(line)
        for line in run("import_platform_settlements", *files, "--as", reviewer.username).splitlines()
    ]
    assert [(line["file"], line["visits"], line["persons_created"]) for line in lines] == [
        ("setl-03.csv", 1, 1),
        ("setl-04.csv", 1, 0),
        ("setl-05.csv", 1, 0),
    ]
    person = Claimant.objects.get(id_number=stranger.id_number)
    assert sorted(person.visits.values_list("settlement_ref", flat=True)) == ["S03", "S04", "S05"]
    assert not ImportBatch.objects.filter(status=ImportBatch.Status.STAGED).exists()
