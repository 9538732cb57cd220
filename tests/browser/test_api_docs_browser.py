"""The open API's interactive documentation works in a real browser under the Content-Security-Policy (Swagger
UI from our static files, no CDN): it lists the operations and runs one."""

import pytest

from .test_official_browser import chromium  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(chromium):  # noqa: F811
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_browser_api_docs_list_and_run_operations(live_server, desk, csp_violations):
    requests = []
    desk.on("request", lambda request: requests.append(request.url))
    desk.goto(live_server.url + "/api/v1/docs")
    desk.get_by_text("/api/v1/initiatives/{slug}/recognized").wait_for()

    operation = desk.locator(".opblock").filter(has_text="/api/v1/verify/{code}")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder='code']").fill("2222-2222-2222")
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table .highlight-code").first
    live.wait_for()

    assert live.inner_text().count('"status": "unknown"') == 1
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert list(csp_violations) == []
