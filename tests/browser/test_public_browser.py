"""The public dissemination pages in a real browser: axe-core finds no violation and the Nu HTML checker no
error, on the front page and on each published piece (helpers of test_official_browser)."""

import pytest

from initiative.enums import Piece
from initiative.services import set_publication
from tests.initiative.dissemination_world import build
from tests.initiative.test_knowledge import COHORT, add_cohort

from .test_official_browser import check_page, chromium, html_sources, phone  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_public_pages_pass_checks(live_server, phone, html_sources):  # noqa: F811
    world = build()
    add_cohort(world.initiative, COHORT)  # enough answers for the knowledge gain's tables and charts
    for piece in Piece.values:
        set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    slug = world.initiative.slug
    for path in [
        "/",
        f"/initiatives/{slug}/",
        f"/initiatives/{slug}/automapeo/",
        f"/initiatives/{slug}/automapeo/?country=BR",
        f"/initiatives/{slug}/almi/",
        f"/initiatives/{slug}/questionnaires/",
        f"/initiatives/{slug}/recognized/?country=AR",  # one country's page of governments
        f"/initiatives/{slug}/recognized/",  # last: the map is checked below
    ]:
        phone.goto(live_server.url + path)
        check_page(phone, html_sources)
    # The markers are links named by their government, reached with the keyboard.
    marker = phone.locator("svg.map a").first
    marker.focus()
    name = phone.evaluate("document.activeElement.querySelector('title').textContent")
    assert name in ("Rosario", "São Paulo")
    # ... and their name shows beside the map while they have the focus.
    assert phone.locator(".map-label").inner_text() == name
    marker.blur()
    assert phone.locator(".map-label").is_hidden()
    assert html_sources.vnu_errors() == []
