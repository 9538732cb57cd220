"""Reads over events and attendance: who took part in what, and the figures of each stage."""

from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from authorities.enums import InvitationStatus
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


# --- rosters and imports ------------------------------------------------------------------------------


def session_population(session):
    """Officials expected at a session: registered for its event, sent an invitation to it, invited to the
    initiative (for the launch and other events, which have no registration), or already with attendance."""
    expected = (
        Q(registrations__event_id=session.event_id)
        | Q(event_invitations__event_id=session.event_id)
        | Q(attendances__session=session)
    )
    if session.event.kind != EventKind.WORKSHOP:
        expected |= Q(
            invitations__initiative_id=session.event.initiative_id,
            invitations__status__in=InvitationStatus.sent_values(),
        )
    return Official.objects.filter(pk__in=Official.objects.filter(expected).values("pk"))


def roster(session, user):
    """The roster of a session as the user may see it: officials with their attendance, in one query."""
    own = Attendance.objects.filter(session=session, official=OuterRef("pk")).order_by()
    return (
        session_population(session)
        .filter(pk__in=Official.objects.for_user(user).values("pk"))
        .select_related("local_government")
        .annotate(
            attendance_status=Subquery(own.values("status")[:1]),
            attendance_minutes=Subquery(own.values("minutes")[:1]),
            attendance_source=Subquery(own.values("source")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
    )


def import_candidates(session):
    """Officials a participant report of the session may be matched to: everyone invited to the initiative,
    and anyone registered for the event or already recorded at the session."""
    initiative_id = session.event.initiative_id
    expected = (
        Q(invitations__initiative_id=initiative_id)
        | Q(registrations__event_id=session.event_id)
        | Q(attendances__session=session)
    )
    return (
        Official.objects.filter(pk__in=Official.objects.filter(expected).values("pk"))
        .select_related("local_government")
        .order_by("last_name", "first_name", "pk")
    )


# --- eligibility --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityPreview:
    """The certification rule applied to one official: what they did and what is still missing."""

    official: object
    initiative: object
    launch_required: bool
    took_part_in_launch: bool
    workshop_sessions: int
    workshop_minutes: int
    min_workshop_sessions: int

    @property
    def launch_ok(self):
        return self.took_part_in_launch or not self.launch_required

    @property
    def workshop_ok(self):
        return self.workshop_sessions >= self.min_workshop_sessions

    @property
    def eligible(self):
        return self.launch_ok and self.workshop_ok

    @property
    def sessions_missing(self):
        return max(self.min_workshop_sessions - self.workshop_sessions, 0)

    @property
    def missing(self):
        """What the official still lacks, in sentences a person understands."""
        lacks = []
        if not self.launch_ok:
            lacks.append(gettext("Take part in the launch."))
        if not self.workshop_ok:
            lacks.append(
                ngettext(
                    "Take part in %(count)d more workshop session.",
                    "Take part in %(count)d more workshop sessions.",
                    self.sessions_missing,
                )
                % {"count": self.sessions_missing}
            )
        return lacks


def _participation(initiative):
    present = Q(attendances__status=AttendanceStatus.PRESENT, attendances__session__event__initiative=initiative)
    return {
        "launch_present": Count("attendances", filter=present & Q(attendances__session__event__kind=EventKind.LAUNCH)),
        "workshop_present": Count(
            "attendances", filter=present & Q(attendances__session__event__kind=EventKind.WORKSHOP)
        ),
        "workshop_minutes": Sum(
            "attendances__minutes", filter=present & Q(attendances__session__event__kind=EventKind.WORKSHOP)
        ),
    }


def _preview_from(official, initiative):
    return EligibilityPreview(
        official=official,
        initiative=initiative,
        launch_required=initiative.require_launch,
        took_part_in_launch=official.launch_present > 0,
        workshop_sessions=official.workshop_present,
        workshop_minutes=official.workshop_minutes or 0,
        min_workshop_sessions=initiative.min_workshop_sessions,
    )


def eligibility_preview(official, initiative):
    """The rule for one official, in one query."""
    row = Official.objects.filter(pk=official.pk).annotate(**_participation(initiative)).get()
    return _preview_from(row, initiative)


def eligibility_previews(officials, initiative):
    """The rule for many officials (a queryset), in one query whatever their number."""
    rows = officials.select_related("local_government").annotate(**_participation(initiative))
    return [_preview_from(row, initiative) for row in rows]
