"""Moving an initiative on against a failing guard, in Chromium: refused without a reason (with what to do),
done with one, and then listed in the stage log."""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from initiative.enums import Stage
from initiative.models import Initiative, StageTransition
from tests.factories import make_event, make_initiative, make_regional_staff, make_session
from workshops.enums import EventKind

from .test_stage_overrides import FUTURE, HOW_TO_OVERRIDE, LOST_REPORT, NO_LAUNCH_ATTENDANCE

# Playwright runs an event loop in this thread; the test's own database calls are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture
def staff_page(live_server, client):
    """Chromium signed in as regional staff who set up an authenticator app (so the MFA middleware lets
    them into the admin), through the session cookie of a test client's login."""
    from playwright.sync_api import sync_playwright

    staff = make_regional_staff("regional@iom.test")
    client.force_login(staff)
    cookie = client.cookies["sessionid"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        context = browser.new_context(locale="en-US")
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.staff = staff
        yield page
        context.close()
        browser.close()
        connections.close_all()  # Django's connection for this thread, or PostgreSQL cannot drop the database


def test_browser_staff_moves_on_against_a_failing_guard_with_a_reason(staff_page, live_server):
    from playwright.sync_api import expect

    initiative = make_initiative(name="ALP Andes", stage=Stage.LAUNCH)
    make_session(make_event(initiative, EventKind.LAUNCH, title="Lanzamiento"))  # held, no attendance
    make_session(make_event(initiative, EventKind.WORKSHOP, edition=1), starts_at=FUTURE)
    page = staff_page
    page.goto(live_server.url + reverse("admin:initiative_initiative_change", args=[initiative.pk]))
    expect(page.locator(".alp-stage-next .errorlist li")).to_have_text([NO_LAUNCH_ATTENDANCE])

    page.fill("#id_advance_note", "Edition 1 starts soon.")
    page.click("button[form=advance-form]")  # no reason given

    expect(page.locator(".messagelist .error")).to_have_text([NO_LAUNCH_ATTENDANCE, HOW_TO_OVERRIDE])
    assert Initiative.objects.get(pk=initiative.pk).stage == Stage.LAUNCH
    assert StageTransition.objects.count() == 0
    expect(page.locator("#id_advance_note")).to_have_value("Edition 1 starts soon.")  # what was typed is kept

    page.get_by_label("Why move on although something is still missing?").fill(LOST_REPORT)
    page.click("button[form=advance-form]")

    expect(page.locator(".messagelist .success")).to_have_text(
        [
            "“ALP Andes” moved to the stage “Workshop” although something was missing: the stage log records "
            "what, with your reason."
        ]
    )
    current = page.locator(".alp-stage-current")
    expect(current.locator(".alp-override li")).to_have_text([NO_LAUNCH_ATTENDANCE])
    expect(current.locator(".alp-override")).to_contain_text(f"Reason: {LOST_REPORT}")
    inline_row = page.locator("#transitions-group tbody tr.has_original")
    expect(inline_row.locator(".alp-overridden li")).to_have_text([NO_LAUNCH_ATTENDANCE])
    expect(inline_row).to_contain_text(f"Reason: {LOST_REPORT}")
    assert list(StageTransition.objects.values_list("by", "note", "overridden", "override_reason")) == [
        (page.staff.pk, "Edition 1 starts soon.", [NO_LAUNCH_ATTENDANCE], LOST_REPORT)
    ]

    page.goto(live_server.url + reverse("admin:initiative_stagetransition_changelist") + "?override=yes")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr .alp-overridden li")).to_have_text([NO_LAUNCH_ATTENDANCE])
    expect(page.locator("#result_list tbody tr")).to_contain_text(f"Reason: {LOST_REPORT}")
