"""The officials' pages in a real browser: Playwright driving Debian's Chromium against the live server.

Run with `pytest -m browser`. Every page visited is checked at 360 px wide, by axe-core and by the Nu HTML
checker (both from npm: `npm ci` installs them into node_modules)."""

import json
import os
import subprocess
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from authorities.enums import InvitationStatus
from initiative.models import Initiative
from tests import factories as f
from tests.browser.csp import inject_script
from workshops.enums import EventKind
from workshops.models import AgendaItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the test's own database calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PASSWORD = "migracion-local-2024"
# Which elements stick out past 360 px: the message of a failing width check.
WIDE = """() => [...document.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > 360)
  .map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)
  .slice(0, 15)"""


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="es-AR")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page):
    """axe-core's violations on the current page, as 'rule: target' strings (empty when clean)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: npm ci")
    inject_script(page, AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


class HtmlSources:
    """The HTML source of every page checked, saved to files and validated together by the Nu HTML checker
    (one Java start, about 2.5 s, for all of them)."""

    def __init__(self, directory):
        self.directory = directory
        self.files = []
        self.urls = {}

    def add(self, page):
        # The page's source, not the browser's DOM: fetched again in the same context, with the same cookies.
        path = self.directory / f"page-{len(self.files)}.html"
        path.write_text(page.request.get(page.url).text())
        self.files.append(path)
        self.urls[path.name] = page.url

    def vnu_errors(self):
        """The checker's errors as 'url: line: message' strings."""
        if not VNU.exists():
            pytest.skip("vnu-jar is not installed: npm ci")
        result = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, self.files)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        messages = json.loads(result.stderr or '{"messages": []}')["messages"]
        return [
            f"{self.urls.get(Path(m['url']).name, m['url'])}: {m.get('lastLine')}: {m['message']}"
            for m in messages
            if m["type"] == "error"
        ]


@pytest.fixture
def html_sources(tmp_path):
    return HtmlSources(tmp_path)


def check_page(page, sources):
    """What every page must hold: no horizontal scrolling at 360 px, no accessibility violation; its source
    is kept for the HTML checker."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, (page.url, page.evaluate(WIDE))
    assert axe_violations(page) == [], page.url
    sources.add(page)
    if os.environ.get("ALP_SCREENSHOTS"):  # a folder: keep a picture of every page checked, for a person
        name = page.url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "_") or "home"
        page.screenshot(path=f"{os.environ['ALP_SCREENSHOTS']}/{name[:60]}.png", full_page=True)


def test_browser_accept_invitation_switch_language_phone_width(
    live_server, phone, html_sources, django_capture_on_commit_callbacks
):
    from authorities.services import send_invitation

    initiative = f.make_initiative(name="ALP Sudamérica 2025")
    Initiative.objects.filter(pk=initiative.pk).update(stage="workshop")
    soon = timezone.now() + timedelta(days=10)
    launch = f.make_session(
        f.make_event(initiative, EventKind.LAUNCH, title="Lanzamiento"),
        starts_at=soon - timedelta(days=5),
        meeting_url="https://meet.example.org/launch",
        recording_url="https://video.example.org/launch",
    )
    AgendaItem.objects.create(session=launch, starts_at=time(15), activity="Bienvenida", facilitator="OIM")
    for edition in (1, 2):
        event = f.make_event(initiative, EventKind.WORKSHOP, title=f"Taller, edición {edition}", capacity=30)
        f.make_session(
            event,
            starts_at=soon + timedelta(days=7 * edition),
            meeting_url=f"https://meet.example.org/{edition}",
        )
    official = f.make_official(f.make_government("AR", name="Rosario"), email="ana@rosario.example", first_name="Ana")
    invitation = f.invite(official, initiative, status=InvitationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send_invitation(invitation=invitation)
    page = phone

    page.goto(f"{live_server.url}/invitation/{invitation.link_token()}/")
    assert page.evaluate("document.documentElement.lang") == "es"
    check_page(page, html_sources)
    # A mismatch first: the error appears next to the field and nothing is created.
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD + "x")
    page.click("button[type=submit] >> nth=-1")
    # A click does not wait for the page it posts to: wait for the answer before counting in it.
    page.wait_for_selector(".field-error #id_password2")
    assert page.locator(".field-error #id_password2").count() == 1
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Bienvenido/a, Ana"  # Spanish, as the page's lang says
    check_page(page, html_sources)
    official.refresh_from_db()
    assert official.user.check_password(PASSWORD)

    page.select_option("#language-select", "pt-br")
    page.click(".language-switcher button")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "pt-br"
    assert page.locator("#language-select").input_value() == "pt-br"

    page.goto(f"{live_server.url}/my/registration/")
    page.check("#edition-" + str(initiative.events.get(edition=2).pk))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert official.registrations.get().event.edition == 2
    # As after issuance: the official's certificate, shown as a card (listed once it has its PDF).
    f.make_recognition(initiative, official=official, language="pt-br", pdf="recognitions/certificate.pdf")
    for path in ("/", "/my/sessions/", "/my/registration/", "/my/profile/", "/recognitions/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.lang") == "pt-br"
        check_page(page, html_sources)
    assert page.locator(".recognitions .card h2").all_inner_texts() == [official.full_name]
    assert html_sources.vnu_errors() == []


def test_browser_login_pages_fit_phone_and_pass_checks(live_server, phone, html_sources):
    for path in (
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/password/reset/",
        "/invitation/new-link/",
    ):
        phone.goto(f"{live_server.url}{path}")
        check_page(phone, html_sources)
    assert html_sources.vnu_errors() == []
