"""Sending the invitations to an event: e-mails in each official's language with a calendar file, recorded,
never twice for the same schedule."""

from datetime import time, timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests import factories as f
from workshops.attendance import AttendanceError
from workshops.calendar import event_calendar
from workshops.invitations import send_event_invitations
from workshops.models import AgendaItem, EventInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation_world(attendance_world):
    w = attendance_world
    AgendaItem.objects.create(session=w["session"], starts_at=time(10), activity="Bienvenida", facilitator="OIM")
    w["b"].language = "pt-br"
    w["b"].time_zone = "America/Recife"
    w["b"].save()
    return w


def send(w, officials):
    return send_event_invitations(event=w["event"], officials=officials, by=w["regional"])


def test_send_invitations_emails_each_official_in_their_language_with_calendar(invitation_world, mailoutbox):
    w = invitation_world
    outcome = send(w, [w["a"], w["b"]])
    assert outcome == {"sent": 2, "updated": 0, "skipped": 0}
    assert [m.to for m in mailoutbox] == [["mjperez@rosario.gob.ar"], ["joao@recife.pe.gov.br"]]
    spanish, portuguese = mailoutbox
    for message, language in ((spanish, "es"), (portuguese, "pt-br")):
        with translation.override(language):
            assert message.subject == gettext("Invitation: %(event)s") % {"event": "Lanzamiento ALP"}
    assert "María José Pérez Gutiérrez" in spanish.body
    assert "https://zoom.example/j/85012345678" in spanish.body
    assert "10:00 Bienvenida (OIM)" in spanish.body
    assert "America/Recife" in portuguese.body
    [(name, content, mimetype)] = spanish.attachments
    assert (name, mimetype) == ("invitation.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content
    assert "DTSTART:20231018T130000Z" in content  # 10:00 in Buenos Aires
    assert "DTEND:20231018T150000Z" in content
    assert f"UID:alp-session-{w['session'].pk}@localhost" in content
    assert "SEQUENCE:0" in content


def test_send_invitations_records_who_was_sent_what_and_when(invitation_world, mailoutbox):
    w = invitation_world
    send(w, [w["a"]])
    record = EventInvitation.objects.get()
    assert (record.official, record.event, record.email, record.language, record.sequence, record.sent_by) == (
        w["a"],
        w["event"],
        "mjperez@rosario.gob.ar",
        "es",
        0,
        w["regional"],
    )
    assert record.sent_at is not None


def test_send_invitations_again_does_not_duplicate(invitation_world, mailoutbox):
    w = invitation_world
    send(w, [w["a"], w["b"]])
    outcome = send(w, [w["a"], w["b"]])
    assert outcome == {"sent": 0, "updated": 0, "skipped": 2}
    assert len(mailoutbox) == 2
    assert EventInvitation.objects.count() == 2


def test_send_invitations_after_reschedule_sends_an_update(invitation_world, mailoutbox):
    w = invitation_world
    send(w, [w["a"]])
    session = w["session"]
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.save()
    outcome = send(w, [w["a"]])
    assert outcome == {"sent": 0, "updated": 1, "skipped": 0}
    assert "SEQUENCE:1" in mailoutbox[1].attachments[0][1]
    assert EventInvitation.objects.get().sequence == 1


def test_send_invitations_for_event_without_sessions_is_refused(attendance_world, mailoutbox):
    w = attendance_world
    empty = f.make_event(w["initiative"], "other", title="Reunión")
    with pytest.raises(AttendanceError) as error:
        send_event_invitations(event=empty, officials=[w["a"]], by=w["regional"])
    assert error.value.messages == ["“Reunión” has no session yet: add its sessions before sending invitations."]
    assert mailoutbox == []


def test_send_invitations_by_country_staff_is_refused(attendance_world, mailoutbox):
    w = attendance_world
    with pytest.raises(AttendanceError):
        send_event_invitations(event=w["event"], officials=[w["a"]], by=w["users"]["country_x"])
    assert mailoutbox == []


def test_calendar_escapes_text_and_folds_long_lines(attendance_world):
    w = attendance_world
    w["event"].title = "Lanzamiento; conversación, entre pares " + "muy larga " * 10
    content = event_calendar(w["event"], [w["session"]])
    assert "Lanzamiento\\; conversación\\, entre pares" in content
    assert all(len(line.encode()) <= 75 for line in content.split("\r\n"))
    assert content.endswith("END:VCALENDAR\r\n")


def action_post(client, w, data=None):
    return client.post(
        reverse("admin:workshops_event_changelist"),
        {"action": "send_invitations", ACTION_CHECKBOX_NAME: [w["event"].pk], **(data or {})},
    )


def test_admin_action_shows_officials_then_sends(client, invitation_world, mailoutbox):
    w = invitation_world
    client.force_login(w["regional"])
    page = action_post(client, w)
    assert page.status_code == 200
    form = page.context["form"]
    assert sorted(form.initial["officials"]) == sorted([w["a"].pk, w["b"].pk])
    response = action_post(client, w, {"apply": "1", "officials": [w["a"].pk]})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["mjperez@rosario.gob.ar"]]
    page = action_post(client, w)
    assert page.context["form"].initial["officials"] == [w["b"].pk]


def test_admin_action_is_not_offered_to_country_staff(client, attendance_world, mailoutbox):
    w = attendance_world
    client.force_login(w["users"]["country_x"])
    response = action_post(client, w, {"apply": "1", "officials": [w["a"].pk]})
    assert response.status_code == 200  # the plain change list: the action does not exist for them
    assert "send_invitations" not in response.content.decode()
    assert mailoutbox == []
    assert EventInvitation.objects.count() == 0


def test_admin_action_page_posts_back_its_own_fields(client, invitation_world, mailoutbox):
    """The confirmation page's form as rendered (not a POST typed by the test) reaches the action again."""
    from tests.html_forms import find_form, post_data

    w = invitation_world
    client.force_login(w["regional"])
    page = action_post(client, w)
    form = find_form(page.content, containing="apply")

    response = client.post(reverse("admin:workshops_event_changelist"), post_data(form, officials=[str(w["a"].pk)]))

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["mjperez@rosario.gob.ar"]]
