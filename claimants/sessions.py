"""Signed-in pages are never cached, and a session ends when left idle or at the end of a working day.

Every page behind the login shows personal data (names, masked numbers, amounts, alerts): a shared
office computer's browser cache or back button must not show them to the next person, so each answer
to a signed-in user says ``Cache-Control: no-store``.

A session ends after ``SESSION_IDLE_MINUTES`` without a request (default 30) and, however active, after
``SESSION_COOKIE_AGE`` (default 10 hours, one working day), and when the browser closes. The time of the
last request is written to the session at sign-in and then at most once a minute, so an active user
does not cost a session write per page.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control

SEEN, SINCE = "_jz_seen", "_jz_since"
REFRESH_SECONDS = 60


def signed_in(sender, request, user, **kwargs):
    """``user_logged_in`` receiver (connected in ``ClaimantsConfig.ready``): start the session's clocks."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = request.session[SINCE] = time.time()


class SignedInPagesMiddleware:
    """After ``AuthenticationMiddleware``: the idle timeout, then ``no-store`` on signed-in answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            seen, since = session.get(SEEN, now), session.get(SINCE, now)
            if now - seen > settings.SESSION_IDLE_MINUTES * 60 or now - since > settings.SESSION_COOKIE_AGE:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if SINCE not in session:
                session[SINCE] = now
            if now - seen >= REFRESH_SECONDS or SEEN not in session:
                session[SEEN] = now
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
