"""gunicorn settings (read from the working directory: ``gunicorn config.wsgi``), tuned by environment.

``GUNICORN_BIND`` (default 127.0.0.1:8000), ``WEB_CONCURRENCY`` (workers, default 2 x cores + 1),
``GUNICORN_TIMEOUT`` (seconds, default 60), ``FORWARDED_ALLOW_IPS`` (the reverse proxies' addresses).
Error and access logs go to stdout as JSON lines, like the application's.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Exports and PDF statements can take a while; a worker stuck longer than this is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow leaks never add up; jitter keeps them from restarting together.
max_requests = 1000
max_requests_jitter = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
# Path without the query string: searches carry names and ID numbers, which stay out of the logs.
access_log_format = "%(h)s %(m)s %(U)s %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
