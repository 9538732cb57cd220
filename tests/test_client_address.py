"""One rule for the client's address (alp_portal/client.py), used by every rate limit: REMOTE_ADDR without a
proxy; behind our proxies, the entry the outermost of them appended to X-Forwarded-For. Whatever a client
writes in that header, it cannot spend another client's quota, nor escape its own."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory
from django.urls import reverse

from alp_portal.client import client_address
from certificates import views as certificate_views
from initiative.api import api
from tests import factories as f

PROXY = "10.0.0.1"  # the TLS proxy: every request behind it comes from this address
ALICE, BOB = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def behind_one_proxy(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1


def address(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_client_address_without_proxy_is_the_connection():
    assert address(ALICE) == ALICE
    assert address(ALICE, forwarded=BOB) == ALICE  # not believed: anyone can send the header
    assert address("") == "unknown"


@pytest.mark.usefixtures("behind_one_proxy")
def test_client_address_behind_proxy_is_what_the_proxy_appended():
    assert address(PROXY, forwarded=ALICE) == ALICE
    # Alice writes Bob's address herself; the proxy appends hers: hers counts.
    assert address(PROXY, forwarded=f"{BOB}, {ALICE}") == ALICE
    assert address(PROXY, forwarded=f"not-an-address, {BOB} ,{ALICE}") == ALICE
    assert address(PROXY, forwarded="2001:DB8::1") == "2001:db8::1"


@pytest.mark.usefixtures("behind_one_proxy")
def test_client_address_behind_proxy_without_header_or_garbage_is_the_connection():
    assert address(PROXY) == PROXY  # a connection that did not come through the proxy
    assert address(PROXY, forwarded="") == PROXY
    assert address(PROXY, forwarded=f"{BOB}, garbage") == PROXY


def test_client_address_behind_two_proxies_counts_from_the_right(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 2
    cdn = "192.0.2.10"
    assert address(PROXY, forwarded=f"{BOB}, {ALICE}, {cdn}") == ALICE
    assert address(PROXY, forwarded=ALICE) == PROXY  # one entry for two proxies: not through both


@pytest.mark.usefixtures("behind_one_proxy")
def test_client_address_is_allauths():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{BOB}, {ALICE}")
    assert get_adapter(request).get_client_ip(request) == ALICE


# The verify page's quota, both ways.


@pytest.fixture
def verify_url(monkeypatch):
    monkeypatch.setattr(certificate_views, "VERIFY_RATE_LIMIT", (3, 600))
    return reverse("certificates:verify", args=["2345-6789-ABCD"])  # unknown codes count as well


@pytest.mark.django_db
def test_verify_quota_without_proxy_per_connection(client, verify_url):
    # Alice claims to be Bob in the header: her own quota is spent, not his.
    alice = [client.get(verify_url, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB).status_code for _ in range(4)]
    assert alice == [404, 404, 404, 429]
    assert client.get(verify_url, REMOTE_ADDR=BOB).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_one_proxy")
def test_verify_quota_behind_proxy_per_client_not_per_proxy(client, verify_url):
    def get(forwarded):
        return client.get(verify_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    # Alice spends her quota, each time writing Bob's address first in the header.
    assert [get(f"{BOB}, {ALICE}") for _ in range(4)] == [404, 404, 404, 429]
    assert get(ALICE) == 429  # nor does she escape it by leaving the header out
    assert [get(BOB) for _ in range(3)] == [404, 404, 404]  # Bob still has his, all of it
    assert get(BOB) == 429


# The other limits that count by address.


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_one_proxy")
def test_new_invitation_link_limit_behind_proxy_per_client(client, monkeypatch):
    from authorities import views

    monkeypatch.setattr(views, "NEW_LINK_LIMITS", (("ip", 2), ("email", 100)))
    url = reverse("invitation_new_link")

    def post(forwarded, n):
        data = {"email": f"someone{n}@example.org"}
        return client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [post(f"{BOB}, {ALICE}", n) for n in range(3)] == [200, 200, 429]
    assert post(BOB, 10) == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_one_proxy")
def test_allauth_login_limit_behind_proxy_per_client(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    f.make_user("ana@example.org")
    url = reverse("account_login")

    def post(forwarded):
        data = {"login": "ana@example.org", "password": "wrong"}
        return client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [post(f"{BOB}, {ALICE}") for _ in range(3)] == [200, 200, 429]
    assert post(BOB) == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_one_proxy")
def test_api_limit_behind_proxy_per_client(client, monkeypatch):
    monkeypatch.setattr(api.throttle[0], "num_requests", 2)

    def get(forwarded):
        return client.get("/api/v1/initiatives", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [get(f"{BOB}, {ALICE}") for _ in range(3)] == [200, 200, 429]
    assert get(BOB) == 200
