"""Session times: the time zone a session or an official names, and iCalendar files (RFC 5545) written with
the `icalendar` library (escaping, folding at 75 octets, CRLF line ends).

The invitation e-mails and the officials' portal give a session the same UID, so that a calendar that
received the invitation updates the event instead of adding a second one; an invitation sent again after
the schedule changed carries a higher SEQUENCE, so that the calendar replaces the event.
"""

from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.utils import timezone

from alp_portal.content_language import localized

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


def session_uid(session):
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "alp-portal"
    return f"alp-session-{session.pk}@{host}"


def _utc(moment):
    return timezone.localtime(moment, UTC).replace(microsecond=0)


def _vevent(session, *, event, meeting_url, now, sequence=0):
    # In the active language (the reader's, or the invited official's for an e-mail).
    description = [localized(event, "title")]
    for item in session.agenda_items.all():
        facilitator = f" ({item.facilitator})" if item.facilitator else ""
        description.append(f"{item.starts_at:%H:%M} {localized(item, 'activity')}{facilitator}")
    vevent = icalendar.Event()
    vevent.add("uid", session_uid(session))
    vevent.add("dtstamp", _utc(now))
    vevent.add("dtstart", _utc(session.starts_at))
    vevent.add("dtend", _utc(session.ends_at))
    vevent.add("sequence", sequence)
    vevent.add("summary", f"{localized(event, 'title')}: {localized(session, 'title')}")
    if meeting_url:
        description.append(meeting_url)
        vevent.add("location", meeting_url)
        vevent.add("url", meeting_url)
    elif event.location:
        vevent.add("location", event.location)
    vevent.add("description", "\n".join(description))
    return vevent


def _vcalendar(vevents, name=None):
    vcalendar = icalendar.Calendar()
    vcalendar.add("version", "2.0")
    vcalendar.add("prodid", PRODID)
    vcalendar.add("calscale", "GREGORIAN")
    vcalendar.add("method", "PUBLISH")
    if name:
        vcalendar.add("x-wr-calname", icalendar.vText(str(name)))  # an X- property: text only when said so
    for vevent in vevents:
        vcalendar.add_component(vevent)
    return vcalendar.to_ical().decode()


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
