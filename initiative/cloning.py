"""A new cohort from an old one: the setup of an initiative copied into a new one, none of its people's data.

Copied: the initiative's own settings (description, certification rule, signatory, licence, their translations),
its events with their sessions and agenda, its stakeholders and its resources. Dates move with the launch: every
session is shifted by the days between the old launch and the new one, at the same time of day in its own time
zone (a session at 10:00 in Lima stays at 10:00 in Lima, whatever the summer time). Not copied: invitations,
registrations, attendance, the Automapeo, the ALMI and its agenda, questionnaires, recognitions, publications,
stage moves: the new initiative starts at the first stage.

(The issue also names "selection criteria" and "e-mail texts": the portal keeps neither per initiative — the
e-mails are the project's templates, the same for every cohort — so there is nothing of them to copy.)

plan_clone() says what clone_initiative() will create, for the preview; both read the same rows. The copy is one
transaction of a fixed number of queries, whatever the number of events, sessions or agenda lines.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from alp_portal.audit import record
from alp_portal.generations import written_in_bulk
from workshops.enums import EventKind
from workshops.models import AgendaItem, Event, Session

from .models import Initiative, Resource, Stakeholder

# What the new initiative takes from the old one, besides name, slug, year and region.
COPIED_FIELDS = [
    "description",
    "require_launch",
    "min_workshop_sessions",
    "attendance_threshold_percent",
    "signatory_name",
    "signatory_title",
    "data_licence",
    "translations",
]


@dataclass
class PlannedSession:
    session: Session
    starts_at: datetime
    ends_at: datetime
    agenda: list = field(default_factory=list)


@dataclass
class PlannedEvent:
    event: Event
    sessions: list


@dataclass
class ClonePlan:
    source: Initiative
    launch_date: date
    shift: timedelta
    events: list
    stakeholders: list
    resources: list

    @property
    def session_count(self):
        return sum(len(planned.sessions) for planned in self.events)

    @property
    def agenda_count(self):
        return sum(len(s.agenda) for planned in self.events for s in planned.sessions)


def old_launch_date(source, sessions):
    """The day the old cohort was launched: its launch's first session, in that session's zone; else its
    first session of any event; None when it has no session at all."""
    launches = [s for s in sessions if s.event.kind == EventKind.LAUNCH] or list(sessions)
    if not launches:
        return None
    first = min(launches, key=lambda s: s.starts_at)
    return timezone.localtime(first.starts_at, ZoneInfo(first.time_zone)).date()


def shifted(moment, zone_name, days):
    """`moment` moved by `days` calendar days at the same wall-clock time in `zone_name`."""
    zone = ZoneInfo(zone_name)
    local = timezone.localtime(moment, zone)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=zone)


def plan_clone(source, launch_date):
    """What a copy of `source` launched on `launch_date` would hold. Four queries."""
    events = list(source.events.order_by("kind", "edition", "pk"))
    sessions = list(Session.objects.filter(event__initiative=source).select_related("event").order_by("starts_at"))
    agenda = list(AgendaItem.objects.filter(session__event__initiative=source).order_by("session", "starts_at"))
    old = old_launch_date(source, sessions)
    days = (launch_date - old).days if old else 0
    agenda_of = {}
    for item in agenda:
        agenda_of.setdefault(item.session_id, []).append(item)
    planned_sessions = {}
    for session in sessions:
        planned_sessions.setdefault(session.event_id, []).append(
            PlannedSession(
                session,
                shifted(session.starts_at, session.time_zone, days),
                shifted(session.ends_at, session.time_zone, days),
                agenda_of.get(session.pk, []),
            )
        )
    return ClonePlan(
        source=source,
        launch_date=launch_date,
        shift=timedelta(days=days),
        events=[PlannedEvent(event, planned_sessions.get(event.pk, [])) for event in events],
        stakeholders=list(source.stakeholders.order_by("name")),
        resources=list(Resource.objects.filter(initiative=source).order_by("title")),
    )


def free_slug(name, year):
    """A slug for the new initiative that no other has."""
    base = slugify(f"{name}")[:70] or f"alp-{year}"
    taken = set(Initiative.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def clone_initiative(*, source, name, year, region, launch_date, by):
    """A new initiative with `source`'s setup, launched on `launch_date`. Returns it."""
    plan = plan_clone(source, launch_date)
    new = Initiative(name=name, year=year, region=region, slug=free_slug(name, year))
    for name_ in COPIED_FIELDS:
        setattr(new, name_, getattr(source, name_))
    if source.submissions_close_at and plan.shift:
        new.submissions_close_at = source.submissions_close_at + plan.shift
    new.save()

    events = Event.objects.bulk_create(
        [copy_of(planned.event, initiative=new, exclude=("initiative",)) for planned in plan.events]
    )
    new_event = {planned.event.pk: event for planned, event in zip(plan.events, events, strict=True)}
    planned_sessions = [s for planned in plan.events for s in planned.sessions]
    sessions = Session.objects.bulk_create(
        [
            copy_of(
                s.session,
                event=new_event[s.session.event_id],
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                recording_url="",
                exclude=("event",),
            )
            for s in planned_sessions
        ]
    )
    AgendaItem.objects.bulk_create(
        [
            copy_of(item, session=session, exclude=("session",))
            for planned, session in zip(planned_sessions, sessions, strict=True)
            for item in planned.agenda
        ]
    )
    Stakeholder.objects.bulk_create(
        [copy_of(s, initiative=new, last_emailed_at=None, exclude=("initiative",)) for s in plan.stakeholders]
    )
    Resource.objects.bulk_create([copy_of(r, initiative=new, exclude=("initiative",)) for r in plan.resources])
    written_in_bulk(Event, Session, AgendaItem, Stakeholder, Resource)
    record(event="cloned", by=by, obj=new, source=source.name, events=len(events), sessions=len(sessions))
    return new


def copy_of(obj, *, exclude=(), **values):
    """An unsaved copy of `obj` (its concrete fields but the key and timestamps), with `values` set."""
    model = type(obj)
    skip = {"id", "created", "updated", *exclude}
    fields = {
        f.attname: getattr(obj, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in skip and f.attname not in skip
    }
    return model(**{**fields, **values})
