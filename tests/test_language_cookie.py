"""The language cookie, set by Django's set_language view and by the portal when an official accepts an invitation
or saves a profile: HttpOnly, SameSite=Lax, and Secure wherever the session cookie is (with HTTPS)."""

import sys

import pytest
from django.http import HttpResponse
from django.urls import reverse

from authorities.preferences import set_language_cookie
from tests.test_site_url import PRODUCTION, run


def flags(cookie):
    return {"httponly": cookie["httponly"], "samesite": cookie["samesite"], "secure": cookie["secure"]}


def test_set_language_view_cookie_is_httponly_and_lax(client, settings):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert flags(response.cookies[settings.LANGUAGE_COOKIE_NAME]) == {"httponly": True, "samesite": "Lax", "secure": ""}


def test_set_language_view_cookie_is_secure_with_https(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post(reverse("set_language"), {"language": "pt-br", "next": "/"}, secure=True)
    assert flags(response.cookies[settings.LANGUAGE_COOKIE_NAME]) == {
        "httponly": True,
        "samesite": "Lax",
        "secure": True,
    }


def test_portal_language_cookie_has_the_same_flags(settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = set_language_cookie(HttpResponse(), "pt-br")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, flags(cookie)) == ("pt-br", {"httponly": True, "samesite": "Lax", "secure": True})


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "False True Lax"),
        ({**PRODUCTION, "SITE_URL": "https://alp.example.org"}, "True True Lax"),
    ],
    ids=["development", "production"],
)
def test_language_cookie_is_secure_when_the_session_cookie_is(environment, expected):
    done = run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; "
            "assert s.LANGUAGE_COOKIE_SECURE == s.SESSION_COOKIE_SECURE; "
            "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)",
        ],
        DJANGO_SETTINGS_MODULE="alp_portal.settings",
        **environment,
    )
    assert done.stdout.strip() == expected, done.stderr
