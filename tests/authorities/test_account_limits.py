"""allauth's rate limits as the portal sets them, through allauth's own views: the e-mails anyone may have the
portal send to an address (password reset links, sign-in codes) are capped per address per day, and a
wrong-password lockout does not keep the owner of the address out: a sign-in by e-mailed code still works."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

EMAIL = "rosa@example.org"


@pytest.fixture
def official():
    official = f.make_official_user(language="en", email=EMAIL)
    EmailAddress.objects.create(user=official.user, email=EMAIL, primary=True, verified=True)
    return official


class Clock:
    """allauth's rate limits read time.time(): this clock stands still until moved."""

    monotonic = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)

    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", clock)
    return clock


def reset_requests(client, clock, count):
    """`count` password reset requests a minute and a second apart (past the per-minute limit); their statuses."""
    statuses = []
    for _ in range(count):
        statuses.append(client.post(reverse("account_reset_password"), {"email": EMAIL}).status_code)
        clock.advance(61)
    return statuses


def test_password_reset_emails_are_capped_at_five_per_address_per_day(client, official, clock):
    assert reset_requests(client, clock, 6) == [302, 302, 302, 302, 302, 429]
    assert [message.to for message in mail.outbox] == [[EMAIL]] * 5
    # Another address is not held back by this one's cap.
    f.make_official_user(email="luis@example.org")
    assert client.post(reverse("account_reset_password"), {"email": "luis@example.org"}).status_code == 302
    # A day after the first request, one more may go out (and only one: the second is still within the day).
    clock.advance(24 * 60 * 60 - 6 * 61)
    assert client.post(reverse("account_reset_password"), {"email": EMAIL}).status_code == 302
    assert client.post(reverse("account_reset_password"), {"email": EMAIL}).status_code == 429
    assert len([message for message in mail.outbox if message.to == [EMAIL]]) == 6


def code_requests(clock, count):
    """`count` sign-in code requests a minute and a second apart, each from a browser of its own (one browser
    waiting for its code is sent no other); the form's errors of each."""
    errors = []
    for _ in range(count):
        response = Client().post(reverse("account_request_login_code"), {"email": EMAIL}, HTTP_ACCEPT_LANGUAGE="en")
        errors.append(response.context["form"].errors.get("email") if response.status_code == 200 else None)
        clock.advance(61)
    return errors


def test_login_code_emails_are_capped_at_ten_per_address_per_day(official, clock):
    too_many = ["Too many failed login attempts. Try again later."]
    assert code_requests(clock, 11) == [None] * 10 + [too_many]
    assert [message.to for message in mail.outbox] == [[EMAIL]] * 10
    clock.advance(24 * 60 * 60 - 11 * 61)  # a day after the first: one more
    assert code_requests(clock, 1) == [None]


def test_wrong_password_lockout_does_not_keep_the_owner_out_of_a_sign_in_by_code(client, official):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": EMAIL, "password": "guessed-wrong"})
    locked = client.post(reverse("account_login"), {"login": EMAIL, "password": "password"}, HTTP_ACCEPT_LANGUAGE="en")
    assert locked.context["form"].non_field_errors() == ["Too many failed login attempts. Try again later."]
    assert "_auth_user_id" not in client.session

    assert client.post(reverse("account_request_login_code"), {"email": EMAIL}).status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
    assert int(client.session["_auth_user_id"]) == official.user.pk
    assert client.get(reverse("profile")).status_code == 200
