from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests import factories as f
from workshops.enums import EventKind


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source text, whatever catalogues exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def attendance_world():
    """An initiative with a two-hour launch session; officials invited in Argentina (A) and Brazil (B), each
    with an account; the six roles of the permission matrix."""
    regional = f.make_regional_staff()
    initiative = f.make_initiative(attendance_threshold_percent=75)
    event = f.make_event(initiative, EventKind.LAUNCH, title="Lanzamiento ALP")
    session = f.make_session(
        event,
        starts_at=datetime(2023, 10, 18, 10, 0, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires")),
        title="Conversación entre pares",
        meeting_url="https://zoom.example/j/85012345678",
    )
    w = {"regional": regional, "initiative": initiative, "event": event, "session": session}
    for side, country, first, last, email in (
        ("a", "AR", "María José", "Pérez Gutiérrez", "mjperez@rosario.gob.ar"),
        ("b", "BR", "João", "da Silva Gonçalves", "joao@recife.pe.gov.br"),
    ):
        government = f.make_government(country, name=f"Gobierno {side.upper()}")
        official = f.make_official_user(government, first_name=first, last_name=last, email=email)
        f.invite(official, initiative)
        w[side] = official
    w["users"] = {
        "anonymous": None,
        "official_a": w["a"].user,
        "official_b": w["b"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": regional,
    }
    return w
