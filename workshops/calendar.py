"""Calendar files (iCalendar, RFC 5545) for the sessions of an event."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone

PRODID = "-//IOM//ALP Portal//EN"


def _escape(text):
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545, 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(value):
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_uid(session):
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "alp-portal"
    return f"alp-session-{session.pk}@{host}"


def event_calendar(event, sessions, *, sequence=0, now=None):
    """One calendar with a VEVENT per session; the same UIDs on every send, so an update replaces."""
    now = now or timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for session in sessions:
        description = [str(event)]
        for item in session.agenda_items.all():
            facilitator = f" ({item.facilitator})" if item.facilitator else ""
            description.append(f"{item.starts_at:%H:%M} {item.activity}{facilitator}")
        if session.meeting_url:
            description.append(session.meeting_url)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{session_uid(session)}",
            f"DTSTAMP:{_utc(now)}",
            f"DTSTART:{_utc(session.starts_at)}",
            f"DTEND:{_utc(session.ends_at)}",
            f"SEQUENCE:{sequence}",
            f"SUMMARY:{_escape(f'{event.title} · {session.title}')}",
            f"DESCRIPTION:{_escape(chr(10).join(description))}",
        ]
        if session.meeting_url:
            lines += [f"LOCATION:{_escape(session.meeting_url)}", f"URL:{session.meeting_url}"]
        elif event.location:
            lines.append(f"LOCATION:{_escape(event.location)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
