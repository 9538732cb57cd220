"""iCalendar files (RFC 5545) for sessions, written by hand: a handful of properties, CRLF line ends,
escaped text and lines folded at 75 octets.

The invitation e-mails and the officials' portal give a session the same UID, so that a calendar that
received the invitation updates the event instead of adding a second one.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

PRODID = "-//IOM Regional Office for South America//ALP Portal//EN"


def zone_named(*names):
    """The first valid time zone among `names` (free text typed by staff), else the portal's."""
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo(settings.TIME_ZONE)


def escape_text(value):
    """TEXT escaping of RFC 5545 section 3.3.11."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line):
    """Fold a content line into lines of at most 75 octets, never splitting a UTF-8 character (3.1)."""
    out, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _utc(moment):
    return timezone.localtime(moment, timezone.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_uid(session):
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "alp-portal"
    return f"alp-session-{session.pk}@{host}"


def _vevent(session, *, event, meeting_url, now, sequence=0):
    description = [str(event.title)]
    for item in session.agenda_items.all():
        facilitator = f" ({item.facilitator})" if item.facilitator else ""
        description.append(f"{item.starts_at:%H:%M} {item.activity}{facilitator}")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session_uid(session)}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(f'{event.title}: {session.title}')}",
    ]
    if meeting_url:
        description.append(meeting_url)
        lines += [f"LOCATION:{escape_text(meeting_url)}", f"URL:{meeting_url}"]
    elif event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    lines += [f"DESCRIPTION:{escape_text(chr(10).join(description))}", "END:VEVENT"]
    return lines


def _vcalendar(vevents, name=None):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for vevent in vevents:
        lines += vevent
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar(entries, *, host=None, name, now=None):
    """The portal's calendar: one VEVENT per `workshops.queries.MySession` entry, with the meeting link only
    where the official may join. `host` is kept for callers; the UID comes from SITE_URL."""
    now = now or timezone.now()
    return _vcalendar(
        (_vevent(e.session, event=e.session.event, meeting_url=e.meeting_url, now=now) for e in entries), name
    )


def event_calendar(event, sessions, *, sequence=0, now=None):
    """The invitation's calendar: a VEVENT per session of the event; SEQUENCE rises when the schedule changes."""
    now = now or timezone.now()
    return _vcalendar(_vevent(s, event=event, meeting_url=s.meeting_url, now=now, sequence=sequence) for s in sessions)
