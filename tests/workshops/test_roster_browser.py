"""The roster in Chromium, driven by the keyboard only: each choice is saved without reloading the page."""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from workshops.models import Attendance

# Playwright runs an event loop in this thread; the test's own database calls are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture
def browser_page(live_server, attendance_world, client):
    from playwright.sync_api import sync_playwright

    client.force_login(attendance_world["regional"])
    cookie = client.cookies["sessionid"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        context = browser.new_context(locale="en-US")
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        yield page
        context.close()
        browser.close()
        # While Playwright's loop runs, Django keeps a separate connection for this thread's test code:
        # close it here, or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


def tab_to_first_radio(page):
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'radio'"):
            return page.evaluate("document.activeElement.name")
    raise AssertionError("no radio button reached with Tab")


def test_roster_marks_attendance_with_keyboard_only(browser_page, live_server, attendance_world):
    from playwright.sync_api import expect

    w = attendance_world
    page = browser_page
    page.goto(live_server.url + reverse("admin:workshops_session_roster", args=[w["session"].pk]))
    order = page.eval_on_selector_all("tr[data-official]", "rows => rows.map(r => Number(r.dataset.official))")
    assert sorted(order) == sorted([w["a"].pk, w["b"].pk])
    page.evaluate("window.notReloaded = true")

    assert tab_to_first_radio(page) == f"status-{order[0]}"
    page.keyboard.press("p")  # present, then the focus moves to the next person
    expect(page.locator(f"#saved-{order[0]}")).to_have_text("Saved")
    assert page.evaluate("document.activeElement.name") == f"status-{order[1]}"

    page.keyboard.press("ArrowRight")  # the browser's radio group: from the first choice to "absent"
    expect(page.locator(f"#saved-{order[1]}")).to_have_text("Saved")
    page.keyboard.press("Shift+Tab")  # back to the first person
    page.keyboard.press("e")
    expect(page.locator(f"#saved-{order[0]}")).to_have_text("Saved")

    assert page.evaluate("window.notReloaded") is True
    assert dict(Attendance.objects.values_list("official", "status")) == {order[0]: "excused", order[1]: "absent"}
    assert set(Attendance.objects.values_list("source", "confirmed_by")) == {("manual", w["regional"].pk)}
