"""Scheduling in the admin: regional staff create an edition with its sessions, and a session's agenda."""

import pytest
from django.urls import reverse

from workshops.models import AgendaItem, Event

pytestmark = pytest.mark.django_db


def test_regional_staff_schedule_a_workshop_edition_with_sessions(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    response = client.post(
        reverse("admin:workshops_event_add"),
        {
            "initiative": w["initiative"].pk,
            "kind": "workshop",
            "edition": "1",
            "title": "Taller, edición 1",
            "description": "",
            "is_virtual": "on",
            "location": "",
            "capacity": "",
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-0-title": "Sesión 1",
            "sessions-0-starts_at_0": "2023-11-07",
            "sessions-0-starts_at_1": "10:00:00",
            "sessions-0-ends_at_0": "2023-11-07",
            "sessions-0-ends_at_1": "12:30:00",
            "sessions-0-time_zone": "America/Lima",
            "sessions-0-meeting_url": "https://zoom.example/j/1",
            "sessions-0-recording_url": "",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Taller, edición 1")
    [session] = event.sessions.all()
    assert (session.title, session.time_zone, session.duration_minutes) == ("Sesión 1", "America/Lima", 150)


def test_regional_staff_add_agenda_items_to_a_session(client, attendance_world):
    w = attendance_world
    session = w["session"]
    client.force_login(w["regional"])
    response = client.post(
        reverse("admin:workshops_session_change", args=[session.pk]),
        {
            "event": w["event"].pk,
            "title": session.title,
            "starts_at_0": "2023-10-18",
            "starts_at_1": "10:00:00",
            "ends_at_0": "2023-10-18",
            "ends_at_1": "12:00:00",
            "time_zone": session.time_zone,
            "meeting_url": session.meeting_url,
            "recording_url": "",
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-INITIAL_FORMS": "0",
            "agenda_items-0-starts_at": "10:00",
            "agenda_items-0-activity": "Bienvenida",
            "agenda_items-0-facilitator": "OIM Oficina Regional",
            "agenda_items-1-starts_at": "10:15",
            "agenda_items-1-activity": "Conversación entre pares",
            "agenda_items-1-facilitator": "",
        },
    )
    assert response.status_code == 302
    assert list(AgendaItem.objects.values_list("activity", "facilitator")) == [
        ("Bienvenida", "OIM Oficina Regional"),
        ("Conversación entre pares", ""),
    ]


def test_country_staff_cannot_schedule(client, attendance_world):
    client.force_login(attendance_world["users"]["country_x"])
    assert client.get(reverse("admin:workshops_event_add")).status_code == 403
