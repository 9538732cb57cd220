"""The officials' forms in a real browser: the Automapeo filled over two visits with the autosave script;
every form page checked by axe-core and at a phone's width.

Playwright drives Debian's Chromium against pytest-django's live server.
"""

import pytest
from django.test import Client

from initiative.models import Objective
from tests import factories as f
from tests.browser.csp import inject_script
from workshops.enums import SubmissionStatus
from workshops.models import Automapeo

from .tools import axe_js

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(monkeypatch, live_server):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.fixture
def browser_page(chromium):
    context, page = new_page(chromium)
    yield context, page
    context.close()


def axe_violations(page):
    """axe-core's violations on the page, as (rule, [targets]); None when axe-core is not installed."""
    script = axe_js()
    if script is None:
        return None
    inject_script(page, script.read_text())
    return page.evaluate(
        "async () => (await axe.run()).violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))])"
    )


def log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )


def test_automapeo_filled_over_two_visits_in_browser(browser_page, live_server):
    from playwright.sync_api import expect

    context, page = browser_page
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    log_in(context, live_server, official.user)
    objective_3 = Objective.objects.get(number=3).pk
    objective_16 = Objective.objects.get(number=16).pk

    # First visit: type an action and let the autosave keep it.
    page.goto(f"{live_server.url}/automapeo/")
    assert axe_violations(page) in ([], None)
    page.fill("#id_actions-0-title", "Casa del migrante")
    page.fill("#id_actions-0-description", "Orientación y acompañamiento")
    page.locator("#actions-0 fieldset.reference summary").first.click()
    page.check(f"#id_actions-0-objectives-{objective_3}")
    page.check("input[name='actions-0-status'][value='in_place']")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=15000)
    action = Automapeo.objects.get().actions.get()
    assert (action.title, action.status) == ("Casa del migrante", "in_place")
    assert list(action.objectives.values_list("number", flat=True)) == [3]

    # Second visit (a reload, as on another device): the draft is there; add an action and submit.
    page.reload()
    expect(page.locator("#id_actions-0-title")).to_have_value("Casa del migrante")
    expect(page.locator(f"#id_actions-0-objectives-{objective_3}")).to_be_checked()
    page.fill("#id_actions-1-title", "Mesa de empleo")
    page.locator("#actions-1 fieldset.reference summary").first.click()
    page.check(f"#id_actions-1-objectives-{objective_16}")
    page.get_by_role("button", name="Add another action").click()
    page.fill("#id_actions-2-title", "Acción que se quita")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=15000)
    page.locator("#actions-2").get_by_role("button", name="Remove this action").click()
    page.get_by_role("button", name="Submit the Automapeo").click()
    expect(page.locator(".messages")).to_contain_text("is submitted")

    automapeo = Automapeo.objects.get()
    assert automapeo.status == SubmissionStatus.SUBMITTED
    assert list(automapeo.actions.order_by("position").values_list("title", flat=True)) == [
        "Casa del migrante",
        "Mesa de empleo",
    ]


@pytest.mark.parametrize("width", [360, 1280])
def test_portal_forms_accessible_and_fit_the_screen(browser_page, live_server, width):
    context, page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    automapeo = f.make_automapeo(official.local_government, initiative)
    f.make_action(automapeo, title="Una acción con un título bastante largo para una pantalla de teléfono " * 2)
    contribution = f.make_contribution(official, initiative, objectives=Objective.objects.filter(number__in=[1, 2]))
    log_in(context, live_server, official.user)
    if axe_js() is None:
        pytest.skip("axe-core is not installed (npm axe-core, or $AXE_JS)")
    for path in [
        "/automapeo/",
        "/almi/",
        f"/almi/{contribution.pk}/",
        "/questionnaire/entry/",
        "/questionnaire/exit/",
    ]:
        page.goto(f"{live_server.url}{path}")
        # Open the lists of objectives and principles, so that they are checked too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert axe_violations(page) == [], path
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, path


def test_automapeo_two_officials_at_once_in_browser(chromium, live_server):
    """The second autosave that would overwrite newer work stops and says so; "Save draft" then shows both
    versions side by side and keeps what the second official typed."""
    from playwright.sync_api import expect

    initiative = f.make_workshop_initiative()
    ana = f.make_portal_official(initiative, first_name="Ana", last_name="Paz")
    bruno = f.make_portal_official(initiative, ana.local_government, first_name="Bruno", last_name="Díaz")
    automapeo = f.make_automapeo(ana.local_government, initiative)
    f.make_action(automapeo, title="Casa del migrante")
    (context_a, page_a), (context_b, page_b) = new_page(chromium), new_page(chromium)
    log_in(context_a, live_server, ana.user)
    log_in(context_b, live_server, bruno.user)
    page_a.goto(f"{live_server.url}/automapeo/")
    page_b.goto(f"{live_server.url}/automapeo/")

    page_a.fill("#id_actions-0-title", "Casa del migrante (Ana)")
    expect(page_a.locator("#autosave-status")).to_contain_text("Draft saved at")
    page_b.fill("#id_actions-0-title", "Casa del migrante (Bruno)")
    expect(page_b.locator("#autosave-status")).to_contain_text("Someone else from your government saved")
    assert automapeo.actions.get().title == "Casa del migrante (Ana)"

    page_b.get_by_role("button", name="Save draft").click()
    conflict = page_b.locator("section.conflict")
    expect(conflict).to_contain_text("Ana Paz saved this Automapeo")
    expect(conflict.locator(".versions > section").nth(0)).to_contain_text("Casa del migrante (Ana)")
    expect(conflict.locator(".versions > section").nth(1)).to_contain_text("Casa del migrante (Bruno)")
    expect(page_b.locator("#id_actions-0-title")).to_have_value("Casa del migrante (Bruno)")
    # Having seen both, Bruno keeps his.
    page_b.get_by_role("button", name="Save draft").click()
    expect(page_b.locator(".messages")).to_contain_text("Draft saved.")
    assert automapeo.actions.get().title == "Casa del migrante (Bruno)"
    context_a.close()
    context_b.close()
