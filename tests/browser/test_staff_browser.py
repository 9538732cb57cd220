"""Staff's second factor in a real browser: a security key (WebAuthn) added and then used to sign in, with
Chromium's virtual authenticator standing in for the key (Chrome DevTools Protocol, WebAuthn domain)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings

from tests import factories as f
from tests.browser.test_official_browser import axe_violations, chromium  # noqa: F401 (chromium: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "oim-regional-2024"


@pytest.fixture
def desk(chromium):  # noqa: F811
    """A desktop page with a virtual security key plugged in: it answers WebAuthn requests by itself."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.credentials = lambda: cdp.send("WebAuthn.getCredentials", authenticator)["credentials"]
    yield page
    context.close()


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


# http://localhost is a secure context for the browser; allauth (fido2) accepts it only when told to.
@override_settings(MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN=True)
def test_browser_staff_adds_a_security_key_and_signs_in_with_it(live_server, desk):
    staff = f.make_regional_staff("regional@iom.test", mfa=False)
    staff.set_password(PASSWORD)
    staff.save()
    page, base = desk, live_server.url

    sign_in(page, base, "regional@iom.test")
    page.goto(f"{base}/admin/")
    assert page.url == f"{base}/accounts/2fa/"  # no back office without a second factor: app or key
    assert axe_violations(page) == []
    page.click("a[href='/accounts/2fa/webauthn/add/']")
    page.wait_for_url("**/accounts/reauthenticate/**")  # allauth asks for the password before adding a factor
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/accounts/2fa/webauthn/add/")
    assert axe_violations(page) == []
    page.fill("input[name=name]", "Llave de la oficina")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    key = Authenticator.objects.get(user=staff, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Llave de la oficina"
    assert len(page.credentials()) == 1  # the browser's key holds it

    page.goto(f"{base}/admin/")
    assert page.url == f"{base}/admin/"

    page.context.clear_cookies()
    sign_in(page, base, "regional@iom.test")
    assert "/accounts/2fa/authenticate/" in page.url  # the password alone is not enough
    assert axe_violations(page) == []
    # The button sits outside the form it submits, which it names: that form must carry the id.
    button = page.locator("#mfa_webauthn_authenticate")
    assert button.get_attribute("form") == "webauthn_form"
    assert button.evaluate("b => b.form && b.form.id") == "webauthn_form"
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto(f"{base}/admin/")
    assert page.url == f"{base}/admin/"
    assert page.locator("#site-name").count() == 1
