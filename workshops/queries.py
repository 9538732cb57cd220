"""Reads over events and attendance: who took part in what, and the figures of each stage."""

from django.db.models import Count, Max, Q
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
    return figures_for_officials(
        present_officials(Session.objects.filter(event__initiative=initiative, event__kind=kind))
    )


def officials_meeting_rule(initiative):
    """Officials who took part in the launch (when the initiative requires it) and in at least the required
    number of workshop sessions. The attendance threshold is applied when attendance is recorded as present."""
    present = Attendance.objects.filter(session__event__initiative=initiative, status=AttendanceStatus.PRESENT)
    officials = (
        Official.objects.filter(pk__in=present.values("official"))
        .annotate(
            launch_sessions=Count(
                "attendances",
                filter=Q(
                    attendances__status=AttendanceStatus.PRESENT,
                    attendances__session__event__initiative=initiative,
                    attendances__session__event__kind=EventKind.LAUNCH,
                ),
                distinct=True,
            ),
            workshop_sessions=Count(
                "attendances",
                filter=Q(
                    attendances__status=AttendanceStatus.PRESENT,
                    attendances__session__event__initiative=initiative,
                    attendances__session__event__kind=EventKind.WORKSHOP,
                ),
                distinct=True,
            ),
        )
        .filter(workshop_sessions__gte=initiative.min_workshop_sessions)
    )
    if initiative.require_launch:
        officials = officials.filter(launch_sessions__gte=1)
    return officials


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
