"""The error and lockout pages are styled and speak the user's language."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


@pytest.mark.parametrize("english", [False, True], ids=["zh-hans", "en"])
def test_404_and_403_pages_are_styled_and_translated(client, caseworker, english):
    if english:
        _english(client)
    client.force_login(caseworker)
    missing = client.get("/claimants/999999999/")
    forbidden = client.get(reverse("monitoring:dashboard"))
    assert (missing.status_code, forbidden.status_code) == (404, 403)
    for response, zh, en in (
        (missing, "页面不存在", "Page not found"),
        (forbidden, "无权访问", "Access denied"),
    ):
        page = response.content.decode()
        assert "bootstrap.min.css" in page
        assert (en if english else zh) in page


def test_400_page(client, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("claimants:export", args=["csv"]), {"category": "zzz"})
    assert response.status_code == 400
    assert "bootstrap.min.css" in response.content.decode()


def test_500_page_renders_without_a_request_context(settings):
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统错误" in page
    assert "bootstrap.min.css" in page


@pytest.mark.parametrize("english", [False, True], ids=["zh-hans", "en"])
def test_lockout_page_is_styled_and_translated(make_staff, english):
    client = Client()
    if english:
        _english(client)
    make_staff("township_caseworker", "510703", username="locked")
    for _ in range(6):
        response = client.post(reverse("login"), {"username": "locked", "password": "wrong-password"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "bootstrap.min.css" in page
    assert ("Sign-in temporarily locked" if english else "登录已暂时锁定") in page
