"""iCalendar files (RFC 5545) for sessions, written by hand: a handful of properties, CRLF line ends,
escaped text and lines folded at 75 octets."""

from django.utils import timezone

PRODID = "-//IOM Regional Office for South America//ALP Portal//EN"


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


def session_event_lines(entry, *, host, now):
    """The VEVENT of one session. `entry` is a workshops.queries.MySession."""
    session = entry.session
    description = [session.event.title]
    description += [f"{item.starts_at:%H:%M} {item.activity}" for item in session.agenda_items.all()]
    lines = [
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{escape_text(f'{session.event.title}: {session.title}')}",
    ]
    if entry.meeting_url:
        description.append(entry.meeting_url)
        lines.append(f"LOCATION:{escape_text(entry.meeting_url)}")
        lines.append(f"URL:{entry.meeting_url}")
    elif session.event.location:
        lines.append(f"LOCATION:{escape_text(session.event.location)}")
    lines.append(f"DESCRIPTION:{escape_text(chr(10).join(description))}")
    lines.append("END:VEVENT")
    return lines


def calendar(entries, *, host, name, now=None):
    """A VCALENDAR with one VEVENT per session, as text with CRLF line ends."""
    now = now or timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for entry in entries:
        lines += session_event_lines(entry, host=host, now=now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
