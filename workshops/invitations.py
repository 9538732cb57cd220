"""Invitations to an event: an e-mail to each official with the sessions and a calendar file, sent again
only when the schedule changed (as an update the calendar replaces)."""

import hashlib

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alp_portal.roles import is_regional_staff

from .attendance import AttendanceError
from .calendar import event_calendar, zone_named
from .models import EventInvitation


def schedule_digest(sessions):
    text = "|".join(
        f"{s.pk};{s.starts_at.isoformat()};{s.ends_at.isoformat()};{s.title};{s.meeting_url}" for s in sessions
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _invitation_message(event, sessions, official, *, sequence):
    first = sessions[0]
    with translation.override(official.language), timezone.override(zone_named(official.time_zone, first.time_zone)):
        context = {"event": event, "sessions": sessions, "official": official, "update": sequence > 0}
        subject = " ".join(render_to_string("workshops/email/event_invitation_subject.txt", context).split())
        body = render_to_string("workshops/email/event_invitation.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[official.email])
    message.attach("invitation.ics", event_calendar(event, sessions, sequence=sequence), "text/calendar")
    return message


def send_event_invitations(*, event, officials, by):
    """E-mail each official the event's sessions, in their language, with a calendar file.

    An official who already received this schedule gets nothing; one who received an older schedule gets
    an update. Side effects: sends e-mails; creates or updates one EventInvitation per e-mail sent, right
    after it is sent (so the record matches what went out even if the mail server fails midway).
    Returns {"sent": n, "updated": n, "skipped": n}.
    """
    if not is_regional_staff(by):
        raise AttendanceError(_("Only regional staff can send invitations."))
    sessions = list(event.sessions.prefetch_related("agenda_items").order_by("starts_at"))
    if not sessions:
        raise AttendanceError(
            _("“%(event)s” has no session yet: add its sessions before sending invitations.") % {"event": event}
        )
    digest = schedule_digest(sessions)
    existing = {i.official_id: i for i in EventInvitation.objects.filter(event=event, official__in=officials)}
    outcome = {"sent": 0, "updated": 0, "skipped": 0}
    for official in officials:
        record = existing.get(official.pk)
        if record is not None and record.schedule_digest == digest:
            outcome["skipped"] += 1
            continue
        sequence = 0 if record is None else record.sequence + 1
        _invitation_message(event, sessions, official, sequence=sequence).send()
        EventInvitation.objects.update_or_create(
            event=event,
            official=official,
            defaults={
                "sent_at": timezone.now(),
                "sent_by": by,
                "email": official.email,
                "language": official.language,
                "sequence": sequence,
                "schedule_digest": digest,
            },
        )
        outcome["updated" if record else "sent"] += 1
    return outcome
