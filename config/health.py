"""``/healthz`` for load balancers and monitoring: is the database answering, is the broker answering.

No login, and nothing sensitive in the answer: only each check's name and ``ok`` / ``in-process`` /
``error``; the reason for an error goes to the log, never into the response.
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A load balancer gives up after a few seconds: a hanging broker must not hang the probe.
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "in-process"  # no broker configured: Celery runs tasks inside the web process
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


CHECKS = {"database": check_database, "broker": check_broker}


@never_cache
@require_safe
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:
            logger.exception("health check failed: %s", name)
            results[name] = "error"
    healthy = "error" not in results.values()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )
