"""Reads of the workshops app: what the stage guards ask about events and attendance, and what an official
sees (their sessions, the editions, their government's Automapeo and ALMI). Who meets the certification rule
is `certificates.eligibility`'s; the roster and the import's candidates are `workshops.attendance`'s."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone

from authorities.enums import InvitationStatus
from initiative.enums import Stage
from initiative.models import GuidingPrinciple, Objective, StageTransition

from .enums import EventKind
from .models import (
    AgendaItem,
    AlmiContribution,
    Attendance,
    Automapeo,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)


def stage_readiness(initiative):
    """Facts the stage guards ask about, in a few queries."""
    events = Event.objects.filter(initiative=initiative)
    sessions = Session.objects.filter(event__in=events)
    launch_sessions = sessions.filter(event__kind=EventKind.LAUNCH)
    workshop_sessions = sessions.filter(event__kind=EventKind.WORKSHOP)
    return {
        "launch_scheduled": launch_sessions.exists(),
        "launch_last_end": launch_sessions.aggregate(last=Max("ends_at"))["last"],
        "launch_attendance": Attendance.objects.filter(session__in=launch_sessions).exists(),
        "workshop_editions": events.filter(kind=EventKind.WORKSHOP, sessions__isnull=False).distinct().count(),
        "workshop_last_end": workshop_sessions.aggregate(last=Max("ends_at"))["last"],
        "workshop_sessions_without_attendance": list(
            workshop_sessions.filter(attendances__isnull=True).select_related("event").distinct()
        ),
    }


# The officials' portal ---------------------------------------------------------------------------------


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
    """The government's Automapeo with who saved and who submitted it, its actions, their objectives and
    principles, or None: one query when there is none, four or five when there is one."""
    automapeo = (
        Automapeo.objects.filter(local_government=local_government, initiative=initiative)
        .order_by("pk")  # one at most; the default ordering would join the initiative and the government
        .first()
    )
    if automapeo is None:
        return None, []
    # Who saved and who submitted it (with their officials, for their names), read only when there is someone:
    # joined to the lookup, they cost 1 ms to build even when there was no Automapeo (bench/profile_page.py).
    people = {automapeo.last_saved_by_id, automapeo.submitted_by_id} - {None}
    if people:
        people = get_user_model().objects.select_related("official").in_bulk(people)
        for name in ("last_saved_by", "submitted_by"):
            field = Automapeo._meta.get_field(name)
            field.set_cached_value(automapeo, people.get(getattr(automapeo, field.attname)))
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


# ---- What an official sees: their sessions, the editions they may register for, their home page. ----


@dataclass(frozen=True)
class MySession:
    session: Session
    meeting_url: str  # empty unless this official may join
    recording_url: str


def may_join(official, event, *, invited, registered_event_id):
    """The meeting link is for registered participants of a workshop edition, and for every invited official
    at the launch (and other events of the initiative)."""
    if event.kind == EventKind.WORKSHOP:
        return event.pk == registered_event_id
    return invited


def my_sessions(official, initiative):
    """The official's sessions in an initiative: the launch and other events, and their own workshop edition.
    A fixed number of queries: sessions with their event, agenda items, the registration, the invitation."""
    if initiative is None:
        return []
    registration = Registration.objects.filter(official=official, initiative=initiative).first()
    registered_event_id = registration.event_id if registration else None
    invited = official.invitations.filter(
        initiative=initiative, status__in=[InvitationStatus.SENT, InvitationStatus.ACCEPTED]
    ).exists()
    if not invited:
        return []
    sessions = (
        Session.objects.filter(event__initiative=initiative)
        .filter(~Q(event__kind=EventKind.WORKSHOP) | Q(event_id=registered_event_id))
        .select_related("event")
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("starts_at")))
        .order_by("starts_at", "pk")
    )
    return [
        MySession(
            session=session,
            meeting_url=session.meeting_url
            if may_join(official, session.event, invited=invited, registered_event_id=registered_event_id)
            else "",
            recording_url=session.recording_url,
        )
        for session in sessions
    ]


def workshop_editions(initiative):
    """The workshop editions of an initiative with their sessions, their start and how many registered."""
    if initiative is None:
        return []
    return list(
        Event.objects.filter(initiative=initiative, kind=EventKind.WORKSHOP)
        .annotate(first_start=Min("sessions__starts_at"), registered=Count("registrations", distinct=True))
        .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("starts_at")))
        .order_by("edition")
    )
