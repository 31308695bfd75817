import json
import logging
import sys

from django.urls import reverse
from django.utils.module_loading import import_string

from config.logs import JsonFormatter


def make_record(message, *args, exc_info=None):
    return logging.LogRecord("claimants.imports", logging.WARNING, __file__, 1, message, args, exc_info)


def test_json_formatter_writes_one_parseable_object_per_record():
    line = JsonFormatter().format(make_record("第 %s 行：身份证号校验位错误", 7))
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "claimants.imports"
    assert entry["message"] == "第 7 行：身份证号校验位错误"
    assert entry["time"].endswith("+00:00")


def test_json_formatter_keeps_a_multi_line_traceback_inside_the_one_line():
    try:
        raise ValueError("bad row")
    except ValueError:
        line = JsonFormatter().format(make_record("import failed", exc_info=sys.exc_info()))
    assert len(line.splitlines()) == 1
    assert "ValueError: bad row" in json.loads(line)["exception"]


def test_each_response_carries_a_request_id_and_a_plain_incoming_one_is_kept(client):
    fresh = client.get(reverse("login"))
    assert len(fresh["X-Request-ID"]) == 32
    assert client.get(reverse("login"))["X-Request-ID"] != fresh["X-Request-ID"]
    assert client.get(reverse("login"), headers={"X-Request-ID": "abc-123"})["X-Request-ID"] == "abc-123"


def test_incoming_request_id_that_could_forge_log_lines_is_replaced(client):
    response = client.get(reverse("login"), headers={"X-Request-ID": 'x" level=ERROR'})
    assert response["X-Request-ID"] != 'x" level=ERROR'
    assert len(response["X-Request-ID"]) == 32


def test_no_log_line_holds_a_whole_id_number(settings):
    """A failed audit insert logged the statement's parameters, a full number among them."""
    number = "51070319800501123X"
    try:
        raise RuntimeError(
            f"insert failed: DETAIL: Key (id_number)=({number}) already exists; 510703800501123"
        )
    except RuntimeError:
        record = make_record("audit of %s failed", number, exc_info=sys.exc_info())
    plain = import_string(settings.LOGGING["formatters"]["plain"]["()"])(
        settings.LOGGING["formatters"]["plain"]["format"]
    )
    for line in (JsonFormatter().format(record), plain.format(record)):
        assert number not in line
        assert "510703800501123" not in line
        assert "510703**********3X" in line
