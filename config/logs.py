"""Request ids and one-JSON-object-per-line logging for production.

A request id comes from the reverse proxy's ``X-Request-ID`` header when it is a plain token, otherwise a
new one is made; it is echoed in the response header (so gunicorn's access line carries it too) and added
to every log record written while the request is handled.

No ID number reaches a log line whole: both formatters mask anything shaped like one (18 characters, or
the old 15 digits) in the message and in an exception's text, which may quote the parameters of a failed
SQL statement, keeping the region code and the last two characters as pages do.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
# Anything else from the outside (spaces, quotes, newlines) could forge or break log lines.
_TRUSTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _TRUSTED_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{10}|\d{7})([\dXx]{2})(?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    return _ID_NUMBER.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


class PlainFormatter(logging.Formatter):
    """The development console's lines, ID numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_id_numbers(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id, exception;
    ID numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_id_numbers(self._format(record))

    def _format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
