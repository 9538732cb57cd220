"""Invitations in bulk in a real browser (issue 15, item 1): a country office selects its officials on the filtered
list, chooses the initiative, sees who will be invited and who cannot be, and invites them; the e-mails go out,
and a page follows them, updating itself while they wait."""

import pytest
from django.core import mail
from django.utils import timezone

from authorities.models import Invitation, Official
from tests import factories as f
from tests.workshops.test_automapeo_browser import axe_violations, browser_page, chromium, log_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_country_office_invites_its_filtered_officials(browser_page, live_server):  # noqa: F811
    context, page = browser_page
    initiative = f.make_initiative(name="ALP Sudamérica 2027")
    rosario = f.make_government("AR", name="Rosario")
    for n in range(3):
        f.make_official(rosario, email=f"persona{n}@rosario.gob.ar", role_kind="technical")
    nobody = f.make_official(rosario, role_kind="technical")
    Official.objects.filter(pk=nobody.pk).update(email="")
    f.make_official(f.make_government("BR", name="Recife"), email="alguem@recife.pe.gov.br")
    log_in(context, live_server, f.make_country_staff("AR"))

    page.goto(f"{live_server.url}/admin/authorities/official/?role_kind=technical")
    assert page.locator("#result_list tbody tr").count() == 4  # Argentina's only, filtered
    page.check("#action-toggle")
    page.select_option("select[name=action]", "invite_to_initiative")
    page.locator("button[name=index]").first.click()
    page.wait_for_load_state()
    page.select_option("select[name=initiative]", label=str(initiative))
    page.click("input[name=preview]")
    page.wait_for_load_state()
    body = page.locator("#content").inner_text()
    assert "3 will be invited" in body and "cannot be invited: no e-mail address" in body
    assert "Recife" not in body
    assert axe_violations(page) in ([], None)
    page.click("input[name=apply]")
    page.wait_for_load_state()
    assert "3 officials invited to “ALP Sudamérica 2027”" in page.locator(".messagelist").inner_text()
    assert Invitation.objects.filter(initiative=initiative).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"persona{n}@rosario.gob.ar" for n in range(3)]
    # The action leads to the e-mails' progress, which updates itself (static/js/sending.js) while they wait.
    assert page.locator("#sending-status").inner_text() == "All 3 e-mails sent."
    Invitation.objects.update(emailed_at=None)  # as if the worker had not reached them yet
    page.reload()
    assert page.locator("#sending-status").inner_text() == "0 of 3 e-mails sent; 3 waiting to go out."
    assert page.locator("#sending-bar").get_attribute("value") == "0"
    assert axe_violations(page) in ([], None)
    Invitation.objects.update(emailed_at=timezone.now())  # the worker sends them
    page.locator("#sending-status", has_text="All 3 e-mails sent.").wait_for(timeout=10_000)  # no eval: the CSP
    assert page.locator("#sending-bar").evaluate("bar => bar.value") == 3
