import re

import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

SECURITY_SETTING = re.compile(
    r"^(SECURE_|SESSION_COOKIE_|CSRF_COOKIE_|X_FRAME_OPTIONS$|CONTENT_SECURITY_POLICY$)"
)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


@pytest.fixture
def production_security(production):
    values = {name: getattr(production, name) for name in dir(production) if SECURITY_SETTING.match(name)}
    with override_settings(**values):
        yield


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


@pytest.mark.usefixtures("production_security")
def test_login_page_over_https_carries_the_csp_and_security_headers(client):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', and no nonce when none was used
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response.cookies["csrftoken"]["secure"] is True


@pytest.mark.usefixtures("production_security")
def test_plain_http_page_request_is_redirected_to_https(client):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver" + reverse("login")


@pytest.mark.django_db
@pytest.mark.usefixtures("production_security")
def test_session_cookie_after_signing_in_is_secure_and_http_only(client, caseworker):
    response = client.post(
        reverse("login"), {"username": "caseworker", "password": "pass-word-123"}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True


@pytest.mark.django_db
def test_pages_on_the_base_template_have_no_inline_script_the_policy_would_block(client, caseworker):
    client.force_login(caseworker)
    for url in (reverse("home"), reverse("claimants:list")):
        html = client.get(url).content.decode()
        assert not INLINE_HANDLER.search(html), url
        for tag in SCRIPT_TAG.findall(html):
            assert " src=" in tag or " nonce=" in tag, tag
        assert "js/language.js" in html


def test_a_nonce_used_by_a_template_is_allowed_by_the_header(rf):
    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">go()</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]


def test_no_template_carries_inline_script_style_or_handler_the_policy_would_block():
    # The policy allows scripts and styles from our own static files only: an inline <script>, a style=""
    # attribute or an onclick="" in a template would be silently ignored by the browser.
    offenders = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {tag}" for tag in SCRIPT_TAG.findall(html) if " src=" not in tag]
        offenders += [f"{path.name}: {m.group(0)}" for m in INLINE_STYLE.finditer(html)]
        offenders += [f"{path.name}: {m.group(0)}" for m in INLINE_HANDLER.finditer(html)]
    assert offenders == []


def test_the_api_schema_is_for_signed_in_users_and_tokens_only(client, caseworker):
    assert client.get(reverse("api_schema")).status_code in (401, 403)
    client.force_login(caseworker)
    assert client.get(reverse("api_schema")).status_code == 200
