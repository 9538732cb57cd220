"""Personal pages are kept by no cache: every response to a signed-in user carries `Cache-Control: private,
no-store` (alp_portal.middleware.PrivateResponseMiddleware), and so does the invitation link, personal though
anonymous. Public pages keep their own caching and are not made to vary on the cookie."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.cache import get_max_age

from tests import factories as f
from workshops.models import Registration

pytestmark = pytest.mark.django_db


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def world():
    initiative = f.make_workshop_initiative(name="ALP Andes 2027")
    official = f.make_portal_official(initiative, f.make_government("AR", name="Rosario"))
    workshop = f.make_event(initiative, "workshop", title="Edición 1")
    session = f.make_session(workshop)
    Registration.objects.create(official=official, event=workshop, initiative=initiative)
    f.make_automapeo(official.local_government, initiative)
    contribution = f.make_contribution(official, initiative)
    recognition = f.make_recognition(initiative, official=official)
    recognition.pdf.save(f"{recognition.code}.pdf", ContentFile(b"%PDF-1.7 test"))
    return {
        "official": official,
        "staff": f.make_regional_staff(),
        "initiative": initiative,
        "session": session,
        "contribution": contribution,
        "recognition": recognition,
    }


PERSONAL = {
    "the official's home": lambda w: reverse("home"),
    "profile": lambda w: reverse("profile"),
    "my sessions": lambda w: reverse("my_sessions"),
    "my calendar (.ics)": lambda w: reverse("my_sessions_calendar"),
    "a session's calendar (.ics)": lambda w: reverse("session_calendar", args=[w["session"].pk]),
    "registration": lambda w: reverse("registration"),
    "Automapeo": lambda w: reverse("automapeo"),
    "ALMI": lambda w: reverse("almi"),
    "an ALMI contribution": lambda w: reverse("almi_edit", args=[w["contribution"].pk]),
    "entry questionnaire": lambda w: reverse("questionnaire", args=["entry"]),
    "my recognitions": lambda w: reverse("certificates:mine"),
    "a recognition's PDF": lambda w: reverse("certificates:pdf", args=[w["recognition"].code]),
    "a public page, signed in": lambda w: reverse("initiative:detail", args=[w["initiative"].slug]),
}


@pytest.mark.parametrize("page", sorted(PERSONAL))
def test_response_to_a_signed_in_official_is_private_and_not_stored(client, world, page):
    client.force_login(world["official"].user)
    response = client.get(PERSONAL[page](world))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_admin_page_to_staff_is_private_and_not_stored(client, world):
    client.force_login(world["staff"])
    response = client.get(reverse("admin:authorities_official_changelist"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_invitation_link_is_private_and_not_stored_though_anonymous(client):
    initiative = f.make_initiative()
    invitation = f.invite(f.make_official(), initiative)
    response = client.get(reverse("invitation_accept", args=[invitation.link_token()]))
    assert response.status_code == 200
    assert directives(response) == {"private", "no-store"}


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("certificates:verify", args=[w["recognition"].code]),
        lambda w: reverse("home"),
    ],
    ids=["verify", "front page"],
)
def test_public_page_to_anonymous_is_not_marked_private(client, world, url):
    response = client.get(url(world))
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)


def test_api_response_to_anonymous_keeps_its_public_caching(client, world):
    response = client.get("/api/v1/initiatives")
    assert response.status_code == 200
    assert "public" in directives(response)
    assert get_max_age(response) > 0
    assert "Cookie" not in response.get("Vary", "")
