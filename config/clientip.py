"""The client's address behind the reverse proxy, and login throttling per address.

gunicorn trusts ``X-Forwarded-*`` only from ``FORWARDED_ALLOW_IPS`` but leaves ``REMOTE_ADDR`` as the
proxy's address; keyed on it, django-axes saw every user as one client (five failures of anyone locked an
account for everyone, and nobody's spraying was noticed). ``client_ip`` reads the same variable: when the
request comes from a trusted proxy, the client is the right-most ``X-Forwarded-For`` entry that is not a
trusted proxy itself (the address nginx saw, ``$proxy_add_x_forwarded_for``); from anywhere else the
header is ignored, so a client cannot choose its own address.

django-axes locks a username at one address after ``AXES_FAILURE_LIMIT`` failures. Trying many usernames
from one address (password spraying) stays under that per pair, so ``AddressThrottleBackend`` also
refuses an address whose failures, over all usernames within the cool-off time, reach
``JIUZHU_LOGIN_ADDRESS_FAILURE_LIMIT``; the answer is axes' lockout page (429) for that address only.
"""

import datetime as dt
import ipaddress

from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _trusted(address: str) -> bool:
    proxies = settings.JIUZHU_TRUSTED_PROXIES
    return "*" in proxies or address in proxies


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    for entry in reversed(request.headers.get("x-forwarded-for", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # a malformed hop: trust nothing further left
        if not _trusted(address):
            return address
    return remote


class AddressThrottleBackend:
    """First of ``AUTHENTICATION_BACKENDS``: refuses every login from an address with too many recent
    failures over all usernames. It never signs anyone in, and has no ``get_user``: sessions are not its."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.AXES_ENABLED:
            return None
        since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
        failures = AccessAttempt.objects.filter(
            ip_address=client_ip(request), attempt_time__gte=since
        ).aggregate(total=Sum("failures_since_start"))["total"]
        if (failures or 0) >= settings.JIUZHU_LOGIN_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("too many failed logins from this address")
        return None
