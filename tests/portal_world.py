"""A small world for the officials' pages: two governments in two countries, each official invited to their
own initiative (A: Argentina, B: Brazil), with a launch, two workshop editions and sessions in each."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from authorities.enums import InvitationStatus
from initiative.models import Initiative
from tests import factories as f
from workshops.enums import EventKind
from workshops.models import AgendaItem, Registration

ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


def build_side(side, country):
    initiative = f.make_initiative(name=f"ALP {side.upper()}")
    Initiative.objects.filter(pk=initiative.pk).update(stage="workshop")
    initiative.refresh_from_db()
    government = f.make_government(country, name=f"Gobierno {side.upper()}")
    official = f.make_official_user(government, email=f"official-{side}@example.org", time_zone="America/Sao_Paulo")
    f.invite(official, initiative, status=InvitationStatus.ACCEPTED)
    soon = timezone.now() + timedelta(days=10)
    launch = f.make_event(initiative, EventKind.LAUNCH, title=f"Launch {side}")
    launch_session = f.make_session(
        launch,
        starts_at=soon - timedelta(days=5),
        title=f"Launch session {side}",
        meeting_url=f"https://meet.example.org/launch-{side}",
    )
    AgendaItem.objects.create(session=launch_session, starts_at=time(15), activity="Bienvenida; presentación")
    edition_1 = f.make_event(initiative, EventKind.WORKSHOP, title=f"Edition 1 {side}")
    edition_2 = f.make_event(initiative, EventKind.WORKSHOP, title=f"Edition 2 {side}")
    workshop_session = f.make_session(
        edition_1,
        starts_at=soon,
        title=f"Workshop session {side}",
        meeting_url=f"https://meet.example.org/w1-{side}",
        recording_url=f"https://video.example.org/w1-{side}",
    )
    other_session = f.make_session(
        edition_2,
        starts_at=soon + timedelta(days=7),
        title=f"Edition 2 session {side}",
        meeting_url=f"https://meet.example.org/w2-{side}",
    )
    registration = Registration.objects.create(official=official, event=edition_1, initiative=initiative)
    return {
        "initiative": initiative,
        "government": government,
        "official": official,
        "launch": launch,
        "launch_session": launch_session,
        "edition_1": edition_1,
        "edition_2": edition_2,
        "workshop_session": workshop_session,
        "other_session": other_session,
        "registration": registration,
    }


@pytest.fixture
def portal():
    w = {"a": build_side("a", "AR"), "b": build_side("b", "BR")}
    w["users"] = {
        "anonymous": None,
        "official_a": w["a"]["official"].user,
        "official_b": w["b"]["official"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": f.make_regional_staff(),
    }
    return w
