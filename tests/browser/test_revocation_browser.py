"""Revocation as regional staff do it in a real browser: signed in with a password and an authenticator code
(the back office asks every staff member for a second factor), from a recognition's own page; then the
public verification page and the holder's e-mail."""

import pytest
from django.core import mail

from certificates.enums import RecognitionStatus
from certificates.models import Recognition
from tests import factories as f

from .test_official_browser import axe_violations, chromium  # noqa: F401 (chromium: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "oim-regional-2024"


@pytest.fixture
def desk(chromium):  # noqa: F811
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def regional_staff_signed_in(page, base):
    """A regional staff member signed in through the login page and the authenticator code, as a person does."""

    staff = f.make_regional_staff("regional@iom.test", mfa=False)
    staff.set_password(PASSWORD)
    staff.save()
    secret = f.give_mfa(staff)
    page.goto(f"{base}/accounts/login/?next=/admin/")
    page.fill("input[name=login]", "regional@iom.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.fill("input[name=code]", f.totp_code(secret))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    return staff


def test_browser_revoke_from_recognition_page_then_verify_says_revoked(live_server, desk):
    page, base = desk, live_server.url
    staff = regional_staff_signed_in(page, base)
    initiative = f.make_initiative(name="ALP Andes 2027")
    official = f.make_official(f.make_government("AR", name="Quilmes"), email="ana@quilmes.example.org")
    recognition = f.make_recognition(initiative, official=official, issued_by=staff)

    page.goto(f"{base}/admin/certificates/recognition/{recognition.pk}/change/")
    page.select_option("select[name='CHANGE_FORM-action']", label="Revoke this recognition")
    page.click("button[name=index]")
    page.wait_for_selector("textarea[name=reason]")
    assert axe_violations(page) == []
    page.fill("textarea[name=reason]", "Issued to the wrong person")
    page.click("input[type=submit][value=Revoke]")
    page.wait_for_url(f"{base}/admin/certificates/recognition/{recognition.pk}/change/")

    assert page.locator(".messagelist .success").inner_text() == (
        "1 recognition revoked; its holder is told by e-mail."
    )
    recognition.refresh_from_db()
    assert (recognition.status, recognition.revocation_reason) == (
        RecognitionStatus.REVOKED,
        "Issued to the wrong person",
    )
    page.goto(f"{base}/verify/{recognition.code}/")
    assert page.locator("#verdict").inner_text() == (
        f"The code {recognition.code} belongs to a recognition that was revoked."
    )
    assert page.locator(".verification-revoked dd").last.inner_text() == "Issued to the wrong person"
    assert [message.to for message in mail.outbox] == [["ana@quilmes.example.org"]]
    assert recognition.code in mail.outbox[0].subject
    assert "Issued to the wrong person" in mail.outbox[0].body
    assert Recognition.objects.count() == 1


def test_browser_revocation_page_offers_the_government_then_public_figures_agree(live_server, desk):
    """Quilmes' only recognized person is revoked from the list; the page offers Quilmes' own recognition,
    checked with a reason to edit; afterwards the initiative's figures and the public map count the same
    governments."""
    from initiative.enums import Piece, Stage
    from initiative.models import Initiative
    from initiative.services import set_publication

    page, base = desk, live_server.url
    staff = regional_staff_signed_in(page, base)
    initiative = f.make_initiative(name="ALP Andes 2027")
    Initiative.objects.filter(pk=initiative.pk).update(stage=Stage.DISSEMINATION)
    set_publication(initiative=initiative, piece=Piece.RECOGNIZED, published=True, by=staff)
    recognized = {}
    for name in ("Quilmes", "Rosario"):
        government = f.make_government("AR", name=name, public_consent=True)
        official = f.make_official(government, email=f"ana@{name.lower()}.example.org")
        f.invite(official, initiative)
        recognized[name] = f.make_recognition(initiative, official=official, issued_by=staff)
        recognized[f"{name} itself"] = f.make_recognition(initiative, local_government=government, issued_by=staff)
    ana = recognized["Quilmes"]

    page.goto(f"{base}/admin/certificates/recognition/")
    page.check(f"input[name=_selected_action][value='{ana.pk}']")
    page.select_option("select[name=action]", "revoke_selected")
    page.click("button[name=index]")
    page.wait_for_selector("textarea[name=reason]")
    offered = page.locator("input[name=governments]")
    assert offered.count() == 1
    assert offered.is_checked()
    assert page.locator(
        f"label:has(input[name=governments][value='{recognized['Quilmes itself'].pk}'])"
    ).inner_text().strip() == (f"Quilmes · ALP Andes 2027 · {recognized['Quilmes itself'].code}")
    assert page.input_value("textarea[name=government_reason]") == (
        "None of the people of this local government holds a valid recognition of the initiative any more."
    )
    assert axe_violations(page) == []
    page.fill("textarea[name=reason]", "Issued to the wrong person")
    page.fill("textarea[name=government_reason]", "Its only recognized person was revoked")
    page.click("input[type=submit][value=Revoke]")
    page.wait_for_url(f"{base}/admin/certificates/recognition/")
    assert page.locator(".messagelist .success").inner_text() == (
        "2 recognitions revoked; their holders are told by e-mail."
    )

    quilmes = Recognition.objects.get(pk=recognized["Quilmes itself"].pk)
    assert (quilmes.status, quilmes.revocation_reason) == (
        RecognitionStatus.REVOKED,
        "Its only recognized person was revoked",
    )
    page.goto(f"{base}/verify/{quilmes.code}/")
    assert (
        page.locator("#verdict").inner_text() == f"The code {quilmes.code} belongs to a recognition that was revoked."
    )
    page.goto(f"{base}/initiatives/{initiative.slug}/recognized/")
    intro = page.locator("main h1 + p").inner_text()
    assert intro.startswith("1 local government recognized as Champion Local Authority")
    assert page.locator(".recognized-list li").all_inner_texts() == ["Rosario"]
    page.goto(f"{base}/initiatives/{initiative.slug}/")
    assert page.locator("tr", has_text="Hold a valid certificate").locator("td").last.inner_text() == (
        "1 local authority representing 1 local government of 1 country"
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@quilmes.example.org", "ana@quilmes.example.org"]
