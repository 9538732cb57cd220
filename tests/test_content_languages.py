"""Staff's words in the reader's language (issue 16, item 1): titles, names, descriptions and the signatory's
title kept in Spanish, Portuguese and English (alp_portal/content_language.py), edited in the admin, shown to
officials, in e-mails, calendars, certificates and public pages in the reader's language; Spanish shown for want
of a translation is marked lang="es"."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from alp_portal.content_language import localized
from certificates.pdf import page_html
from initiative.models import Resource
from tests import factories as f
from tests.portal_world import portal  # noqa: F401 (fixture)
from workshops.invitations import send_event_invitations
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db


def translate(obj, **fields):
    """Give `obj` translations: translate(event, title={"pt-br": "…", "en": "…"})."""
    obj.translations = {**obj.translations, **fields}
    obj.save(update_fields=["translations"])
    return obj


def test_localized_falls_back_to_spanish_and_says_so():
    initiative = f.make_initiative(name="ALP Sudamérica 2027", description="Una cohorte")
    translate(initiative, name={"pt-br": "ALP América do Sul 2027"})
    assert (localized(initiative, "name", "pt-br"), localized(initiative, "name", "pt-br").language) == (
        "ALP América do Sul 2027",
        "pt-br",
    )
    english = localized(initiative, "name", "en")
    assert (english, english.language) == ("ALP Sudamérica 2027", "es")
    assert localized(initiative, "name", "es").language == "es"
    with translation.override("pt-br"):
        assert localized(initiative, "description") == "Una cohorte"  # nothing in Portuguese: the Spanish


def test_staff_type_the_translations_in_the_admin(client):
    client.force_login(f.make_regional_staff())
    response = client.post(
        reverse("admin:initiative_resource_add"),
        {
            "title": "Manual de la iniciativa",
            "title__pt_br": "Manual da iniciativa",
            "title__en": "",
            "kind": "other",
            "language": "es",
            "url": "https://example.org/manual.pdf",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    resource = Resource.objects.get()
    assert resource.translations == {"title": {"pt-br": "Manual da iniciativa"}}
    page = client.get(reverse("admin:initiative_resource_change", args=[resource.pk])).content.decode()
    assert 'name="title__pt_br"' in page and 'value="Manual da iniciativa"' in page
    assert 'name="title__en"' in page

    initiative = f.make_initiative(name="ALP 2027")
    page = client.get(reverse("admin:initiative_initiative_change", args=[initiative.pk])).content.decode()
    for name in ("name__pt_br", "name__en", "description__pt_br", "signatory_title__en"):
        assert f'name="{name}"' in page


def test_officials_read_their_language_and_spanish_is_marked(client, portal):  # noqa: F811
    a = portal["a"]
    translate(a["launch"], title={"pt-br": "Lançamento A", "en": "Launch A (EN)"})
    translate(a["launch_session"], title={"pt-br": "Sessão de lançamento"})
    translate(AgendaItem.objects.get(session=a["launch_session"]), activity={"pt-br": "Boas-vindas"})
    client.force_login(a["official"].user)

    page = client.get(reverse("my_sessions"), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "Lançamento A: Sessão de lançamento" in page
    assert "Boas-vindas" in page and "Bienvenida" not in page

    client.cookies["django_language"] = "en"
    page = client.get(reverse("my_sessions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'Launch A (EN): <span lang="es">Launch session a</span>' in page
    assert '<span lang="es">Bienvenida; presentación</span>' in page

    client.cookies["django_language"] = "pt-br"
    calendar = client.get(reverse("session_calendar", args=[a["launch_session"].pk]), HTTP_ACCEPT_LANGUAGE="pt-br")
    event = icalendar.Calendar.from_ical(calendar.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Lançamento A: Sessão de lançamento"
    assert "Boas-vindas" in str(event["DESCRIPTION"])


def test_the_invitation_e_mail_speaks_the_officials_language(portal):  # noqa: F811
    a = portal["a"]
    a["official"].language = "pt-br"
    a["official"].save(update_fields=["language"])
    translate(a["launch"], title={"pt-br": "Lançamento A"})
    send_event_invitations(event=a["launch"], officials=[a["official"]], by=f.make_regional_staff())
    (message,) = mail.outbox
    assert "Lançamento A" in message.subject
    assert "Lançamento A" in message.body


def test_certificate_and_public_page_in_the_readers_language(client):
    initiative = f.make_initiative(
        name="ALP Sudamérica 2027",
        description="Descripción en español",
        signatory_name="Marcelo Pisani",
        signatory_title="Director Regional",
    )
    translate(initiative, name={"en": "ALP South America 2027"}, signatory_title={"en": "Regional Director"})
    recognition = f.make_recognition(initiative, official=f.make_official(f.make_government("AR")))
    english = page_html(recognition, language="en")
    assert "ALP South America 2027" in english and "Regional Director" in english
    assert "Director Regional" in page_html(recognition, language="es")

    client.force_login(f.make_regional_staff())  # staff see an initiative page before anything is published
    client.cookies["django_language"] = "en"
    page = client.get(reverse("initiative:detail", args=[initiative.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>ALP South America 2027</h1>" in html
    assert '<p><span lang="es">Descripción en español</span></p>' in html
