"""Reads over events and attendance: who took part in what, and the figures of each stage."""

from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from authorities.models import Official
from authorities.queries import figures_for_officials

from .enums import AttendanceStatus, EventKind
from .models import Attendance, Event, Session


def present_officials(sessions):
    """Officials present at any of the given sessions."""
    attended = Attendance.objects.filter(session__in=sessions, status=AttendanceStatus.PRESENT)
    return Official.objects.filter(pk__in=attended.values("official"))


def event_figures(event):
    return figures_for_officials(present_officials(Session.objects.filter(event=event)))


def stage_figures(initiative, kind):
    """Figures of all events of one kind (the launch, or every workshop edition together)."""
    return figures_for_officials(present_officials(Session.objects.filter(event__initiative=initiative, event__kind=kind)))


@dataclass
class AttendanceTally:
    """What one official's attendance counts for under the certification rule."""

    launch: int = 0  # launch sessions attended long enough
    workshop: int = 0  # workshop sessions (of any edition) attended long enough
    launch_too_short: int = 0  # present, but for less than the threshold of the session's length
    workshop_too_short: int = 0


def counts_toward_rule(*, minutes, session_minutes, threshold_percent):
    """A present row counts when its minutes (if recorded) reach the threshold of the session's length."""
    if minutes is None:
        return True
    return minutes * 100 >= threshold_percent * session_minutes


def attendance_tallies(initiative, officials=None):
    """Per official id, the launch and workshop sessions of `initiative` that count under its rule. One query.

    Where an attendance row carries minutes, they must reach `attendance_threshold_percent` of the session's
    length; a row without minutes (recorded by hand as present) counts as a whole session.
    """
    rows = Attendance.objects.filter(
        session__event__initiative=initiative,
        session__event__kind__in=[EventKind.LAUNCH, EventKind.WORKSHOP],
        status=AttendanceStatus.PRESENT,
    )
    if officials is not None:
        rows = rows.filter(official__in=officials)
    tallies = {}
    for official_id, kind, minutes, starts_at, ends_at in rows.values_list(
        "official_id", "session__event__kind", "minutes", "session__starts_at", "session__ends_at"
    ):
        tally = tallies.setdefault(official_id, AttendanceTally())
        counts = counts_toward_rule(
            minutes=minutes,
            session_minutes=(ends_at - starts_at).total_seconds() / 60,
            threshold_percent=initiative.attendance_threshold_percent,
        )
        field = "launch" if kind == EventKind.LAUNCH else "workshop"
        if not counts:
            field += "_too_short"
        setattr(tally, field, getattr(tally, field) + 1)
    return tallies


def meets_rule(initiative, tally):
    if initiative.require_launch and tally.launch < 1:
        return False
    return tally.workshop >= initiative.min_workshop_sessions


def officials_meeting_rule(initiative):
    """Officials who took part in the launch (when the initiative requires it) and in at least the required
    number of workshop sessions, each attended for at least the threshold of its length (see
    `attendance_tallies`). The certificates app's eligibility builds on the same tallies."""
    tallies = attendance_tallies(initiative)
    return Official.objects.filter(
        pk__in=[official_id for official_id, tally in tallies.items() if meets_rule(initiative, tally)]
    )


def rule_figures(initiative):
    return figures_for_officials(officials_meeting_rule(initiative))


def stage_readiness(initiative):
    """Facts the stage guards ask about, in a few queries."""
    now = timezone.now()
    events = Event.objects.filter(initiative=initiative)
    sessions = Session.objects.filter(event__in=events)
    launch_sessions = sessions.filter(event__kind=EventKind.LAUNCH)
    workshop_sessions = sessions.filter(event__kind=EventKind.WORKSHOP)
    return {
        "launch_scheduled": launch_sessions.exists(),
        "launch_ended": not launch_sessions.filter(ends_at__gt=now).exists(),
        "launch_attendance": Attendance.objects.filter(session__in=launch_sessions).exists(),
        "workshop_editions": events.filter(kind=EventKind.WORKSHOP, sessions__isnull=False).distinct().count(),
        "workshop_last_end": workshop_sessions.aggregate(last=Max("ends_at"))["last"],
        "workshop_sessions_without_attendance": list(
            workshop_sessions.filter(attendances__isnull=True).select_related("event").distinct()
        ),
    }
