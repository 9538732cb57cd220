"""The back office on a phone (issue 16, item 5): every admin page of the URL matrix, opened by regional staff
in a real browser 360 px wide, fits the screen; a wide table scrolls inside its own container, never the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.test_admin_scoping import world  # noqa: F401 (fixture)
from tests.test_url_matrix import ROUTES, extra_objects, url_of
from tests.workshops.reportfiles import at, zoom_report
from tests.workshops.test_automapeo_browser import browser_page, chromium, log_in  # noqa: F401 (fixtures)
from workshops.models import AttendanceImport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360
# Not pages to look at: downloads, actions that answer a redirect, the sign-out and the JavaScript catalogue.
SKIP = (
    "_issue",
    "export",
    "logout",
    "jsi18n",
    "autocomplete",
    "view_on_site",
    "copy",
    "_delete",
    "admin_catch_all",
    "resume",
)
# What sticks out on the right: the innermost elements past the screen's edge, to say what to fix.
WIDEST = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 362)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > 362))
  .slice(0, 6).map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)"""
PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def admin_pages(w):
    for name in sorted(ROUTES):
        if name.startswith("admin:") and not any(part in name for part in SKIP):
            yield name, url_of(name, w)


def test_every_admin_page_fits_a_phone(browser_page, live_server, world):  # noqa: F811
    context, page = browser_page
    extra_objects(world)
    page.set_viewport_size({"width": WIDTH, "height": 740})
    log_in(context, live_server, world["regional"])
    too_wide = {}
    visited = 0
    for name, url in admin_pages(world):
        try:
            response = page.goto(f"{live_server.url}{url}")
        except PlaywrightError:  # a page that answers only POST, or a download
            continue
        if response.status != 200:
            continue
        visited += 1
        width = page.evaluate(PAGE_WIDTH)
        if width > WIDTH:
            too_wide[name] = (width, page.evaluate(WIDEST))
    assert visited > 60

    # A participant report's preview with its three groups of rows (matched, absent, unmatched).
    client = Client()
    client.force_login(world["regional"])
    session = world["session"]
    report = zoom_report(
        [
            ("Nombre Muy Largo De Una Participante Con Dos Apellidos", "official-a@example.org", at(0), at(95), False),
            ("Otra persona", "official-b@example.org", at(0), at(20), False),
            ("Invitado sin correo con un nombre largo", "", at(0), at(120), True),
        ]
    )
    upload = SimpleUploadedFile("participants.csv", report, content_type="text/csv")
    client.post(reverse("admin:workshops_session_import", args=[session.pk]), {"report": upload})
    preview = AttendanceImport.objects.latest("pk")
    url = reverse("admin:workshops_session_import_preview", args=[session.pk, preview.pk])
    assert page.goto(f"{live_server.url}{url}").status == 200
    assert page.locator(".alp-import-table tbody tr").count() >= 3
    if (width := page.evaluate(PAGE_WIDTH)) > WIDTH:
        too_wide["admin:workshops_session_import_preview (with rows)"] = (width, page.evaluate(WIDEST))
    assert too_wide == {}
