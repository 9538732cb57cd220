"""The Content-Security-Policy holds in a real browser: the guard of tests/browser/csp.py catches a
violation, and the back office (every changelist and change page of the demo, the import and export pages)
and the account pages run under the policy without one (the guard fails the test on any)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests import factories as f

from .test_official_browser import chromium  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(chromium):  # noqa: F811
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in_as(page, base, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])


def test_browser_csp_guard_catches_a_violation(live_server, desk, csp_violations):
    desk.goto(live_server.url + "/")
    # An inline style set through the DOM is refused by style-src without 'unsafe-inline'.
    desk.evaluate("document.body.setAttribute('style', 'color: red')")
    desk.wait_for_timeout(200)
    seen = list(csp_violations)
    csp_violations.clear()  # caused on purpose
    ours = [line for line in seen if "CSP violation: style-src-attr blocked inline" in line]
    chromiums = [line for line in seen if "violates the following Content Security Policy directive" in line]
    assert (len(ours), len(chromiums)) == (1, 1)
    assert desk.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"


def admin_links(page, selector):
    return page.eval_on_selector_all(selector, "links => [...new Set(links.map(a => a.href))]")


def test_browser_back_office_runs_under_the_csp(live_server, desk, csp_violations):
    call_command("load_demo", stdout=StringIO())
    staff = get_user_model().objects.get(email="regional@demo.alp")
    f.give_mfa(staff)
    base = live_server.url
    sign_in_as(desk, base, staff)
    desk.goto(f"{base}/admin/")
    changelists = admin_links(desk, "#content-main th[scope=row] a")
    assert len(changelists) >= 15
    visited = 0
    for url in changelists:
        desk.goto(url)
        # The first row's change page, and the list's tools: add, import, export, eligibility, participants.
        pages = admin_links(desk, "#result_list tbody th a")[:1] + admin_links(desk, ".object-tools a")
        for page in pages:
            desk.goto(page)
            visited += 1
    assert visited >= 30
    # The admin's own scripts still run: the change list's "select all" checkbox ticks every row.
    desk.goto(f"{base}/admin/authorities/official/")
    desk.check("#action-toggle")
    assert desk.eval_on_selector_all("input.action-select", "boxes => boxes.every(b => b.checked)") is True
    assert list(csp_violations) == []


def test_browser_account_pages_run_under_the_csp(live_server, desk, csp_violations):
    base = live_server.url
    for path in ["/accounts/login/", "/accounts/password/reset/", "/accounts/login/code/"]:
        desk.goto(base + path)
    staff = f.make_regional_staff("new-staff@iom.test", mfa=False)
    staff.set_password("oim-regional-2024")
    staff.save()
    # Signed in through the form (the allauth login page's script runs), so that no reauthentication is asked.
    desk.goto(f"{base}/accounts/login/")
    desk.fill("input[name=login]", "new-staff@iom.test")
    desk.fill("input[name=password]", "oim-regional-2024")
    desk.click("main button[type=submit]")
    desk.wait_for_load_state()
    desk.goto(f"{base}/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in desk.url  # setting up a factor asks for the password again
    desk.fill("input[name=password]", "oim-regional-2024")
    desk.click("main button[type=submit]")
    desk.wait_for_load_state()
    assert desk.url == f"{base}/accounts/2fa/totp/activate/"
    # The authenticator app's QR code is a data: image the policy allows.
    assert desk.evaluate("document.querySelector('main img').naturalWidth") > 0
    for path in ["/accounts/2fa/", "/accounts/email/", "/accounts/password/change/"]:
        desk.goto(base + path)
    assert list(csp_violations) == []
