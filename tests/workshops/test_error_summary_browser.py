"""A refused form in a real browser: focus lands on the error summary, whose links move focus to each field
(opening the collapsed list of GCM objectives when the error is there); axe finds nothing in the error state."""

import pytest

from tests import factories as f

from .test_automapeo_browser import axe_violations, browser_page, chromium, log_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_id(page):
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_a_refused_almi_contribution_is_heard_and_leads_to_each_field(browser_page, live_server):  # noqa: F811
    context, page = browser_page
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    log_in(context, live_server, official.user)
    page.goto(f"{live_server.url}/almi/")
    page.get_by_role("button", name="Add").click()  # nothing filled in
    page.wait_for_load_state()

    assert page.title().startswith("Error:")
    assert focused_id(page) == "error-summary"
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("h2").inner_text() == "Please correct these 3 errors:"
    links = summary.locator("a")
    assert links.count() == 3

    links.nth(0).click()  # the kind: a group of radios, its first choice takes focus
    assert focused_id(page) == "id_kind_0"
    assert page.locator("#id_kind_0").get_attribute("aria-invalid") == "true"
    links.nth(1).click()
    assert focused_id(page) == "id_text"
    described = page.locator("#id_text").get_attribute("aria-describedby").split()
    assert "id_text_error" in described
    assert page.locator("#id_text_error").inner_text() == "This field is required."
    links.nth(2).click()  # the objectives are folded in a <details>: it opens
    assert page.locator("#id_objectives details").evaluate("d => d.open") is True
    assert focused_id(page).startswith("id_objectives-")

    assert axe_violations(page) in ([], None)


def test_a_refused_questionnaire_is_heard(browser_page, live_server):  # noqa: F811
    context, page = browser_page
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    log_in(context, live_server, official.user)
    page.goto(f"{live_server.url}/questionnaire/entry/")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()

    assert focused_id(page) == "error-summary"
    page.locator("#error-summary a").first.click()
    assert focused_id(page) == "id_knowledge_0"
    fieldset = page.locator("fieldset#id_knowledge")
    for reference in fieldset.get_attribute("aria-describedby").split():
        assert page.locator(f"#{reference}").count() == 1
    assert axe_violations(page) in ([], None)
