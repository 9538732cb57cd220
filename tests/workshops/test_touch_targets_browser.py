"""A phone in a real browser: choices, the language select and the navigation are targets of at least 24 x 24
px (WCAG 2.5.8), and the navigation folds behind a button that still names the page the official is on."""

import pytest

from tests import factories as f

from .test_automapeo_browser import browser_page, chromium, log_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The targets of the page that are not inside a sentence (inline links are exempt from the minimum size).
TARGETS = """() => [...document.querySelectorAll(
    "input[type=checkbox], input[type=radio], select, button, .nav a, summary")]
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              const name = e.id || e.name || e.textContent.trim().slice(0, 30);
              return [name, Math.round(r.width), Math.round(r.height)] })"""


def small_targets(page):
    return [(name, w, h) for name, w, h in page.evaluate(TARGETS) if w < 24 or h < 24]


def test_phone_targets_and_folded_navigation(browser_page, live_server):  # noqa: F811
    context, page = browser_page
    page.set_viewport_size({"width": 360, "height": 640})
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    automapeo = f.make_automapeo(official.local_government, initiative)
    f.make_action(automapeo, title="Casa del migrante")
    log_in(context, live_server, official.user)

    page.goto(f"{live_server.url}/automapeo/")
    page.locator("#actions-0 fieldset.reference summary").first.click()  # show the objectives' checkboxes
    assert page.locator("input[type=checkbox]:visible").count() > 20
    assert small_targets(page) == []
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible() and toggle.inner_text() == "Menu · Automapeo"  # where the official is, folded
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-nav-lists").is_visible()
    header = page.locator(".site-header").bounding_box()["height"]
    assert header <= 640 * 0.25, f"the header takes {header} px of a 640 px screen"

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="My sessions").is_visible()
    assert small_targets(page) == []
    page.get_by_role("link", name="My sessions").click()
    page.wait_for_url(f"{live_server.url}/my/sessions/")
    assert page.locator(".nav-toggle").inner_text() == "Menu · My sessions"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    for path in ("/questionnaire/entry/", "/almi/", "/my/profile/"):
        page.goto(f"{live_server.url}{path}")
        page.locator("summary").evaluate_all("all => all.forEach(s => s.parentElement.open = true)")
        assert small_targets(page) == [], path


def test_wide_screen_keeps_the_navigation_open(browser_page, live_server):  # noqa: F811
    context, page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    log_in(context, live_server, official.user)
    page.goto(f"{live_server.url}/my/sessions/")
    assert not page.locator(".nav-toggle").is_visible()
    assert page.get_by_role("link", name="Automapeo").is_visible()
