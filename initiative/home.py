"""The official's home: the initiative's timeline, what it expects of them now, their path to the
recognition and what their peers did. The initiative's top floor: it reads the other apps through their
models and query modules; anyone else sees the public front page."""

from dataclasses import dataclass

from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from alp_portal.content_language import localized
from authorities.mixins import official_for
from authorities.preferences import time_zone_name
from authorities.queries import current_initiative
from certificates.models import Recognition
from workshops.enums import EventKind, QuestionnaireKind, SubmissionStatus
from workshops.models import Automapeo, QuestionnaireResponse, Registration, Session
from workshops.queries import workshop_editions

from .dissemination import peer_learning, public_home
from .enums import Stage
from .models import StageTransition


@dataclass(frozen=True)
class TimelineStep:
    stage: Stage
    state: str  # "done", "current" or "upcoming"
    starts: object = None  # a datetime, when known
    ends: object = None


TIMELINE = (Stage.LAUNCH, Stage.WORKSHOP, Stage.CERTIFICATION, Stage.DISSEMINATION)


def timeline(initiative):
    """The four stages of an initiative (launch, workshop, certification, dissemination) and where it stands.
    Dates come from the sessions (launch, workshop) and from the stage moves (the others). Two queries."""
    current = initiative.stage_enum.position()
    spans = {
        row["event__kind"]: (row["first"], row["last"])
        for row in Session.objects.filter(
            event__initiative=initiative, event__kind__in=[EventKind.LAUNCH, EventKind.WORKSHOP]
        )
        .values("event__kind")
        .annotate(first=Min("starts_at"), last=Max("ends_at"))
        .order_by()
    }
    moved = dict(StageTransition.objects.filter(initiative=initiative).values_list("to_stage", "at"))
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


def expected_of(official, initiative, *, registration=None, editions=()):
    """What the initiative expects of this official now, by stage. A fixed number of queries."""
    stage = initiative.stage_enum
    tasks = []
    now = timezone.now()
    if stage in (Stage.MAPPING, Stage.LAUNCH, Stage.WORKSHOP):
        open_editions = [e for e in editions if e.first_start is None or e.first_start > now]
        if registration is not None:
            tasks.append(Task("register", True, localized(registration.event, "title")))
        elif open_editions:
            tasks.append(Task("register", False))
    if stage in (Stage.LAUNCH, Stage.WORKSHOP):
        answered = set(
            QuestionnaireResponse.objects.filter(official=official, initiative=initiative).values_list(
                "kind", flat=True
            )
        )
        tasks.append(Task("entry_questionnaire", QuestionnaireKind.ENTRY in answered))
        if stage == Stage.WORKSHOP:
            submitted = Automapeo.objects.filter(
                local_government=official.local_government_id,
                initiative=initiative,
                status=SubmissionStatus.SUBMITTED,
            ).exists()
            tasks.append(Task("automapeo", submitted))
            tasks.append(Task("almi", False))
            tasks.append(Task("exit_questionnaire", QuestionnaireKind.EXIT in answered))
    if stage in (Stage.CERTIFICATION, Stage.DISSEMINATION):
        kinds = set(
            Recognition.objects.filter(initiative=initiative)
            .filter(Q(official=official) | Q(local_government=official.local_government_id))
            .valid()
            .values_list("kind", flat=True)
        )
        if kinds:  # only then: not everyone is recognized, and nobody is told so here
            tasks.append(Task("recognitions", False, "person" if "person" in kinds else "government"))
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
        self.official = official_for(request.user)
        if self.official is not None:
            self.template_name = "home_official.html"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.official is None:
            context.update(public_home())
            return context
        initiative = current_initiative(self.official)
        context.update(official=self.official, initiative=initiative, time_zone=time_zone_name(self.official))
        if initiative is not None:
            registration = (
                Registration.objects.filter(official=self.official, initiative=initiative)
                .select_related("event")
                .first()
            )
            tasks = expected_of(
                self.official, initiative, registration=registration, editions=workshop_editions(initiative)
            )
            context.update(
                # The official's path to the recognition, until it is issued.
                show_eligibility=initiative.stage in ("launch", "workshop", "certification")
                and not any(task.key == "recognitions" for task in tasks),
                timeline=timeline(initiative),
                peer_learning=peer_learning(self.official.local_government, initiative),
                tasks=[(task, task_url(task.key)) for task in tasks],
                registration=registration,
            )
        return context
