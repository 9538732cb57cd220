"""Every response carries the Content-Security-Policy of the settings. The portal's own pages use no nonce
(nothing inline at all); the admin's pages, whose templates mark their tags with one, get a fresh nonce per
response."""

import re

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'{nonce}; style-src 'self'{nonce}; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def nonce_of(header):
    return re.search(r"'nonce-([^']+)'", header)[1]


@pytest.mark.parametrize("path", ["/", "/verify/", "/accounts/login/", "/no-such-page/"])
def test_csp_header_on_portal_pages_without_nonce(client, path):
    assert client.get(path)["Content-Security-Policy"] == POLICY.format(nonce="")


def test_csp_admin_pages_carry_a_fresh_nonce(client):
    client.force_login(f.make_regional_staff())
    first = client.get("/admin/")
    second = client.get("/admin/")
    nonce = nonce_of(first["Content-Security-Policy"])
    assert first["Content-Security-Policy"] == POLICY.format(nonce=f" 'nonce-{nonce}'")
    assert f'nonce="{nonce}"' in first.text
    assert nonce_of(second["Content-Security-Policy"]) != nonce
