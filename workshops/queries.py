"""Reads over events and attendance: who took part in what, and the figures of each stage."""

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from authorities.enums import InvitationStatus
from authorities.models import Invitation, Official
from authorities.queries import figures_for_officials
from initiative.enums import Stage
from initiative.models import GuidingPrinciple, Objective, StageTransition

from .enums import AttendanceStatus, EventKind
from .models import AlmiContribution, Attendance, Automapeo, Event, QuestionnaireResponse, Session


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


# The officials' portal ---------------------------------------------------------------------------------


def official_for_user(user):
    """The official behind a portal user, with their government, or None (anonymous, staff, no official)."""
    if not user.is_authenticated:
        return None
    return Official.objects.select_related("local_government").filter(user=user).first()


def current_initiative(official):
    """The initiative an official works in now: the newest one their invitation (sent or accepted) is for."""
    invitation = (
        Invitation.objects.filter(
            official=official, status__in=[InvitationStatus.SENT, InvitationStatus.ACCEPTED]
        )
        .select_related("initiative")
        .order_by("-created", "-pk")
        .first()
    )
    return invitation.initiative if invitation else None


def submissions_closed_at(initiative):
    """When the Automapeo and ALMI closed: the closing moment set by staff, or the move out of the workshop
    stage. None when they are open or not yet open."""
    now = timezone.now()
    if initiative.submissions_close_at and initiative.submissions_close_at <= now:
        return initiative.submissions_close_at
    if Stage(initiative.stage).position() > Stage.WORKSHOP.position():
        moved = (
            StageTransition.objects.filter(initiative=initiative, from_stage=Stage.WORKSHOP)
            .values_list("at", flat=True)
            .first()
        )
        return moved or initiative.submissions_close_at
    return None


def automapeo_for(local_government, initiative):
    """The government's Automapeo with its actions, their objectives and principles (4 queries), or None."""
    automapeo = (
        Automapeo.objects.filter(local_government=local_government, initiative=initiative)
        .select_related("last_saved_by__official", "submitted_by__official")
        .first()
    )
    if automapeo is None:
        return None, []
    actions = list(
        automapeo.actions.order_by("position", "pk").prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("number")),
            Prefetch("principles", queryset=GuidingPrinciple.objects.order_by("number")),
        )
    )
    return automapeo, actions


def government_contributions(local_government, initiative):
    """The ALMI contributions of one government in one initiative, with authors and objectives (2 queries)."""
    return list(
        AlmiContribution.objects.filter(local_government=local_government, initiative=initiative)
        .select_related("author")
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.order_by("number")))
        .order_by("kind", "created", "pk")
    )


def questionnaire_of(official, initiative, kind):
    return QuestionnaireResponse.objects.filter(official=official, initiative=initiative, kind=kind).first()
