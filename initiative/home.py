"""The official's home: the initiative's timeline, what it expects of them now, their path to the
recognition and what their peers did. The initiative's top floor: it reads the other apps through their
models and query modules; anyone else sees the public front page."""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from alp_portal.content_language import localized
from alp_portal.generations import Generation
from authorities.mixins import official_and_initiative
from authorities.preferences import time_zone_name
from certificates.models import Recognition
from workshops.enums import EventKind, QuestionnaireKind, SubmissionStatus
from workshops.models import Automapeo, Event, QuestionnaireResponse, Registration, Session

from .dissemination import peer_learning, public_home
from .enums import Stage
from .models import Initiative, StageTransition

# The initiative's events and sessions change only when staff edit them or a cohort is cloned (in the
# transaction that saves the new initiative): kept until then in the shared cache, one cache read instead of a
# query on every official's home (alp_portal/generations.py; followed from InitiativeConfig.ready).
EVENT_SESSIONS = Generation("initiative-event-sessions")


# What the home shows of one official (`OfficialFacts`), kept until a registration, an Automapeo, a questionnaire
# answer or a recognition changes: three queries, a quarter of the home's time (bench/page_load.py, issue 14).
OFFICIAL_FACTS = Generation("initiative-official-facts")


def follow_home_reads():
    EVENT_SESSIONS.follow(Initiative, Event, Session)
    OFFICIAL_FACTS.follow(Registration, Event, Automapeo, QuestionnaireResponse, Recognition)


@dataclass(frozen=True)
class EventSessions:
    """The launch and workshop events of an initiative with their sessions' times, read once for the home's
    timeline and for whether a workshop edition is still open to registration."""

    # (event id, kind, starts_at, ends_at), one per session; an event without sessions: (id, kind, None, None)
    rows: tuple

    @classmethod
    def of(cls, initiative):
        return EVENT_SESSIONS.kept(str(initiative.pk), lambda: cls.read(initiative))

    @classmethod
    def read(cls, initiative):
        return cls(
            tuple(
                Event.objects.filter(initiative=initiative, kind__in=[EventKind.LAUNCH, EventKind.WORKSHOP])
                .order_by()
                .values_list("pk", "kind", "sessions__starts_at", "sessions__ends_at")
            )
        )

    def spans(self):
        """{kind: (first start, last end)} of the kinds that have sessions."""
        spans = {}
        for _pk, kind, starts, ends in self.rows:
            if starts is not None:
                first, last = spans.get(kind, (starts, ends))
                spans[kind] = (min(first, starts), max(last, ends))
        return spans

    def workshop_first_starts(self):
        """The first session's start of each workshop edition (None for an edition without sessions yet)."""
        firsts = {}
        for pk, kind, starts, _ends in self.rows:
            if kind == EventKind.WORKSHOP:
                first = firsts.get(pk)
                firsts[pk] = starts if first is None else min(first, starts)
        return list(firsts.values())


TIMELINE = (Stage.LAUNCH, Stage.WORKSHOP, Stage.CERTIFICATION, Stage.DISSEMINATION)


@dataclass(frozen=True)
class OfficialFacts:
    """What the home shows of one official in one initiative, besides the events and the stage moves: the
    workshop edition they registered for, their government's Automapeo, the questionnaires they answered and
    their valid recognitions. Three queries (four from the certification stage on), each a plain list of
    values: building a query in the ORM, not running it, is most of the page's time (model instances, joins
    and subqueries cost more to build than their rows cost to read; bench/page_load.py, issue 14)."""

    registered_event: Event | None  # the workshop edition they registered for (its title and translations)
    automapeo: int | None  # the id of their government's Automapeo
    automapeo_submitted: bool
    answered: frozenset  # the QuestionnaireKind values they answered
    recognized: str  # "person" (theirs), "government" (their government's only) or "" (none valid)

    @classmethod
    def of(cls, official, initiative, kept=False):
        """`kept`: as kept since those tables last changed, for a page that only reads (the home)."""
        if kept:
            # The government and the stage are the key's: what is read depends on them.
            key = f"{official.pk}:{official.local_government_id}:{initiative.pk}:{initiative.stage}"
            return OFFICIAL_FACTS.kept(key, lambda: cls.of(official, initiative))
        registered_event = None
        for pk, title, translations in Registration.objects.filter(
            official=official, initiative=initiative
        ).values_list("event", "event__title", "event__translations"):
            registered_event = Event(pk=pk, title=title, translations=translations)
        # No ordering (`.order_by()`): the models' default ones join the initiative and the government.
        automapeo = Automapeo.objects.filter(local_government=official.local_government_id, initiative=initiative)
        automapeo, status = next(iter(automapeo.order_by().values_list("pk", "status")), (None, None))
        recognized = set()
        if initiative.stage_enum in (Stage.CERTIFICATION, Stage.DISSEMINATION):
            recognized = set(
                Recognition.objects.filter(initiative=initiative)
                .filter(Q(official=official) | Q(local_government=official.local_government_id))
                .valid()
                .order_by()
                .values_list("kind", flat=True)
            )
        return cls(
            registered_event=registered_event,
            automapeo=automapeo,
            automapeo_submitted=status == SubmissionStatus.SUBMITTED,
            answered=frozenset(
                QuestionnaireResponse.objects.filter(official=official, initiative=initiative)
                .order_by()
                .values_list("kind", flat=True)
            ),
            recognized="person" if "person" in recognized else "government" if recognized else "",
        )


@dataclass(frozen=True)
class TimelineStep:
    stage: Stage
    state: str  # "done", "current" or "upcoming"
    starts: object = None  # a datetime, when known
    ends: object = None


def timeline(initiative, sessions):
    """The four stages of an initiative (launch, workshop, certification, dissemination) and where it stands.
    Dates come from the sessions (launch, workshop) and, for a stage reached without sessions, from the move to
    it: one query then, none in the launch and workshop stages of an initiative with its sessions."""
    current = initiative.stage_enum.position()
    spans = sessions.spans()
    reached = [stage.value for stage in TIMELINE if stage.position() <= current and stage.value not in spans]
    moved = {}
    if reached:
        moved = dict(
            StageTransition.objects.filter(initiative=initiative, to_stage__in=reached).values_list("to_stage", "at")
        )
    steps = []
    for stage in TIMELINE:
        position = stage.position()
        state = "done" if position < current else "current" if position == current else "upcoming"
        starts, ends = spans.get(stage.value, (moved.get(stage.value), None))
        steps.append(TimelineStep(stage=stage, state=state, starts=starts, ends=ends))
    return steps


@dataclass(frozen=True)
class Task:
    key: str  # "register", "automapeo", "almi", "entry_questionnaire", "exit_questionnaire", "recognitions"
    done: bool
    detail: str = ""


def expected_of(official, initiative, *, facts=None, sessions=None):
    """What the initiative expects of this official now, by stage (`facts` and `sessions`: see OfficialFacts
    and EventSessions, read here when not given; no query with both given)."""
    if facts is None:
        facts = OfficialFacts.of(official, initiative)
    stage = initiative.stage_enum
    tasks = []
    now = timezone.now()
    if stage in (Stage.MAPPING, Stage.LAUNCH, Stage.WORKSHOP):
        first_starts = (sessions or EventSessions.of(initiative)).workshop_first_starts()
        open_editions = [start for start in first_starts if start is None or start > now]
        if facts.registered_event is not None:
            tasks.append(Task("register", True, localized(facts.registered_event, "title")))
        elif open_editions:
            tasks.append(Task("register", False))
    if stage in (Stage.LAUNCH, Stage.WORKSHOP):
        tasks.append(Task("entry_questionnaire", QuestionnaireKind.ENTRY in facts.answered))
        if stage == Stage.WORKSHOP:
            tasks.append(Task("automapeo", facts.automapeo_submitted))
            tasks.append(Task("almi", False))
            tasks.append(Task("exit_questionnaire", QuestionnaireKind.EXIT in facts.answered))
    if stage in (Stage.CERTIFICATION, Stage.DISSEMINATION) and facts.recognized:
        # Only then: not everyone is recognized, and nobody is told so here.
        tasks.append(Task("recognitions", False, facts.recognized))
    return tasks


# Where each task of the official's home leads: (url name, kwargs).
TASK_URLS = {
    "automapeo": ("automapeo", {}),
    "almi": ("almi", {}),
    "entry_questionnaire": ("questionnaire", {"kind": "entry"}),
    "exit_questionnaire": ("questionnaire", {"kind": "exit"}),
    "register": ("registration", {}),
    "recognitions": ("certificates:mine", {}),
}


def task_url(key):
    name, kwargs = TASK_URLS[key]
    return reverse(name, kwargs=kwargs or None)


class HomeView(TemplateView):
    """The portal's front page. A signed-in official sees their own home: the initiative's timeline, what is
    expected of them now and their government; everyone else sees the public front page."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        self.official, self.initiative = official_and_initiative(request.user, kept=True)  # the home only reads
        if self.official is not None:
            self.template_name = "home_official.html"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.official is None:
            context.update(public_home())
            return context
        initiative = self.initiative
        context.update(official=self.official, initiative=initiative, time_zone=time_zone_name(self.official))
        if initiative is not None:
            sessions = EventSessions.of(initiative)
            facts = OfficialFacts.of(self.official, initiative, kept=True)  # the home only reads
            tasks = expected_of(self.official, initiative, facts=facts, sessions=sessions)
            context.update(
                # The official's path to the recognition, until it is issued.
                show_eligibility=initiative.stage in ("launch", "workshop", "certification")
                and not any(task.key == "recognitions" for task in tasks),
                timeline=timeline(initiative, sessions),
                peer_learning=peer_learning(self.official.local_government, initiative, automapeo=facts.automapeo),
                tasks=[(task, task_url(task.key)) for task in tasks],
                preview_kept=True,  # the eligibility preview on what is kept of their attendance
            )
        return context
