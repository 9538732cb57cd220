"""The officials' pages in a real browser: Playwright driving Debian's Chromium against the live server.

Run with `pytest -m browser`. axe-core (npm, node_modules/axe-core) checks every page visited."""

import os
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from authorities.enums import InvitationStatus
from initiative.models import Initiative
from tests import factories as f
from workshops.enums import EventKind
from workshops.models import AgendaItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

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
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


def check_page(page):
    """What every page must hold: no horizontal scrolling at 360 px, and no accessibility violation."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, (page.url, page.evaluate(WIDE))
    assert axe_violations(page) == [], page.url
    if os.environ.get("ALP_SCREENSHOTS"):  # a folder: keep a picture of every page checked, for a person
        name = page.url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "_") or "home"
        page.screenshot(path=f"{os.environ['ALP_SCREENSHOTS']}/{name[:60]}.png", full_page=True)


def test_browser_accept_invitation_switch_language_phone_width(
    live_server, phone, django_capture_on_commit_callbacks
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
    official = f.make_official(
        f.make_government("AR", name="Rosario"), email="ana@rosario.example", first_name="Ana"
    )
    invitation = f.invite(official, initiative, status=InvitationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send_invitation(invitation=invitation)
    page = phone

    page.goto(f"{live_server.url}/invitation/{invitation.token}/")
    assert page.evaluate("document.documentElement.lang") == "es"
    check_page(page)
    # A mismatch first: the error appears next to the field and nothing is created.
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD + "x")
    page.click("button[type=submit] >> nth=-1")
    assert page.locator(".field-error #id_password2").count() == 1
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Welcome, Ana"
    check_page(page)
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
    for path in ("/", "/my/sessions/", "/my/registration/", "/my/profile/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.lang") == "pt-br"
        check_page(page)


def test_browser_login_pages_fit_phone_and_pass_axe(live_server, phone):
    for path in (
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/password/reset/",
        "/invitation/new-link/",
    ):
        phone.goto(f"{live_server.url}{path}")
        check_page(phone)
