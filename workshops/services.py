"""Writes of the officials' portal: registration for a workshop edition, the Automapeo, ALMI contributions
(and the staff's systematized ALMI agenda) and questionnaires. Attendance is `workshops.attendance`'s.

Every function takes keyword arguments, checks that the stage accepts the write, and saves in one
transaction. Domain errors carry a message a person can act on.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alp_portal import audit
from alp_portal.roles import is_regional_staff
from authorities.enums import InvitationStatus
from authorities.models import Official
from initiative.models import Objective

from .enums import EventKind, QuestionnaireKind, SubmissionStatus
from .models import (
    AlmiAgendaItem,
    AlmiContribution,
    Automapeo,
    AutomapeoAction,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)
from .queries import submissions_closed_at
from .rules import questionnaire_accepts_answers, stage_accepts_submissions, submissions_not_open_yet


class SubmissionsClosed(Exception):
    """The stage does not accept this write (not open yet, or closed). The message says when it closed."""

    def __init__(self, initiative, what=None):
        self.initiative = initiative
        self.closed_at = submissions_closed_at(initiative)
        what = what or _("The Automapeo and the ALMI")
        if submissions_not_open_yet(initiative):
            message = _("%(what)s are not open yet: nothing was saved.") % {"what": what}
        elif self.closed_at:
            message = _("%(what)s closed on %(date)s: this change was not saved. What was saved before is kept.") % {
                "what": what,
                "date": formats.date_format(timezone.localtime(self.closed_at), "DATETIME_FORMAT"),
            }
        else:
            message = _("%(what)s are closed: this change was not saved. What was saved before is kept.") % {
                "what": what
            }
        self.message = message
        super().__init__(message)


class ActionNotFound(Exception):
    """An action id that is not in this Automapeo (another government's, or made up)."""


@dataclass(frozen=True)
class ActionInput:
    """One action as sent by the form. `key` is the form's prefix, echoed back with the id of a new action."""

    key: str
    id: int | None
    title: str = ""
    description: str = ""
    objectives: tuple = ()
    principles: tuple = ()
    status: str = "planned"
    to_strengthen: str = ""
    delete: bool = False

    def content(self):
        return (
            self.title.strip(),
            self.description.strip(),
            tuple(sorted(self.objectives)),
            tuple(sorted(self.principles)),
            self.status,
            self.to_strengthen.strip(),
        )


def stored_content(action):
    """ActionInput.content's tuple, from a stored action with its objectives and principles prefetched."""
    return (
        action.title.strip(),
        action.description.strip(),
        tuple(sorted(o.pk for o in action.objectives.all())),
        tuple(sorted(p.pk for p in action.principles.all())),
        action.status,
        action.to_strengthen.strip(),
    )


class StaleAutomapeo(Exception):
    """Someone saved the Automapeo after this form was loaded, and saving would overwrite their work."""

    def __init__(self, automapeo, actions):
        self.automapeo = automapeo
        self.actions = actions
        super().__init__(_("Someone else saved this Automapeo after you opened it."))


@dataclass
class SaveResult:
    automapeo: Automapeo
    ids: dict = field(default_factory=dict)  # form key → action id, for every action kept
    changed: bool = False


def save_automapeo(*, official, initiative, user, revision, actions, submit=False):
    """Save the government's Automapeo as the form shows it, and submit it when `submit` is true.

    `revision` is the one the form was loaded with. A save whose revision is stale is refused
    (StaleAutomapeo) unless it would store exactly what is stored already (a form sent twice). Actions the
    form does not mention are kept; actions marked `delete` are removed.

    Side effects: creates the Automapeo on its first save; writes only the actions that changed; raises the
    revision when anything changed; records who saved and, on submit, who submitted and when.
    Raises SubmissionsClosed, StaleAutomapeo or ActionNotFound, changing nothing.
    """
    if not stage_accepts_submissions(initiative):
        raise SubmissionsClosed(initiative)
    with transaction.atomic():
        automapeo, _created = Automapeo.objects.get_or_create(
            local_government=official.local_government, initiative=initiative, defaults={"revision": 0}
        )
        automapeo = Automapeo.objects.select_for_update().get(pk=automapeo.pk)
        stored = list(automapeo.actions.order_by("position", "pk").prefetch_related("objectives", "principles"))
        by_id = {action.pk: action for action in stored}
        unknown = {a.id for a in actions if a.id is not None and a.id not in by_id}
        if unknown and AutomapeoAction.objects.filter(pk__in=unknown).exists():
            raise ActionNotFound()
        kept = [a for a in actions if not a.delete]
        same = [a.content() for a in kept] == [stored_content(s) for s in stored]
        if same:
            ids = {a.key: s.pk for a, s in zip(kept, stored, strict=True)}
        else:
            # An action removed by someone else since this form was loaded is a stale edit too.
            if revision != automapeo.revision or any(a.id in unknown for a in kept):
                raise StaleAutomapeo(automapeo, stored)
            ids = _write_actions(automapeo, actions, by_id)
        changed = not same
        if submit and (changed or automapeo.status != SubmissionStatus.SUBMITTED):
            automapeo.status = SubmissionStatus.SUBMITTED
            automapeo.submitted_at = timezone.now()
            automapeo.submitted_by = user
            changed = True
        if changed:
            automapeo.revision += 1
            automapeo.last_saved_by = user
            automapeo.save()
    return SaveResult(automapeo=automapeo, ids=ids, changed=changed)


def _write_actions(automapeo, actions, by_id):
    ids = {}
    position = 0
    for data in actions:
        if data.delete:
            if data.id in by_id:
                by_id[data.id].delete()
            continue
        position += 1
        action = by_id.get(data.id) if data.id else None
        if action is not None and stored_content(action) == data.content() and action.position == position:
            ids[data.key] = action.pk
            continue
        action = action or AutomapeoAction(automapeo=automapeo)
        action.position = position
        action.title = data.title.strip()
        action.description = data.description.strip()
        action.status = data.status
        action.to_strengthen = data.to_strengthen.strip()
        action.save()
        action.objectives.set(data.objectives)
        action.principles.set(data.principles)
        ids[data.key] = action.pk
    return ids


class AutomapeoError(Exception):
    """An Automapeo change that cannot happen, with a message a person can act on."""


def reopen_automapeo(*, automapeo, reason, by):
    """Give a submitted Automapeo back to its government's officials as a draft, so that they can change it
    and submit it again. Only regional staff; the reason goes to the audit trail.

    Side effects: saves the status (and a new revision: forms loaded before are stale) with its audit entry.
    Raises AutomapeoError when it is not submitted."""
    if not is_regional_staff(by):
        raise AutomapeoError(_("Only regional staff can reopen an Automapeo."))
    reason = (reason or "").strip()
    if not reason:
        raise AutomapeoError(_("Say why: the reason is kept in the audit trail."))
    with transaction.atomic():
        locked = Automapeo.objects.select_for_update().get(pk=automapeo.pk)
        if locked.status != SubmissionStatus.SUBMITTED:
            raise AutomapeoError(_("This Automapeo is not submitted: its officials can already change it."))
        locked.status = SubmissionStatus.DRAFT
        locked.revision = F("revision") + 1
        locked.last_saved_by = by
        locked.save(update_fields=["status", "revision", "last_saved_by", "updated"])
        audit.record(event="automapeo-reopened", by=by, obj=locked, reason=reason)
    locked.refresh_from_db()
    return locked


def add_almi_contribution(*, official, initiative, kind, text, objectives, form_key=""):
    """Add a contribution of the official's government. A form sent twice (same `form_key`) adds one row.

    Returns (contribution, created). Raises SubmissionsClosed when the stage does not accept it.
    """
    if not stage_accepts_submissions(initiative):
        raise SubmissionsClosed(initiative, what=_("The ALMI"))
    if form_key:
        existing = AlmiContribution.objects.filter(author=official, form_key=form_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            contribution = AlmiContribution.objects.create(
                initiative=initiative,
                local_government=official.local_government,
                author=official,
                kind=kind,
                text=text.strip(),
                form_key=form_key,
            )
            contribution.objectives.set(objectives)
    except IntegrityError:
        # The same form arrived twice at the same moment: the first one is the row.
        return AlmiContribution.objects.get(author=official, form_key=form_key), False
    return contribution, True


def change_almi_contribution(*, contribution, kind, text, objectives):
    """Change one's own contribution while the stage is open."""
    if not stage_accepts_submissions(contribution.initiative):
        raise SubmissionsClosed(contribution.initiative, what=_("The ALMI"))
    with transaction.atomic():
        contribution.kind = kind
        contribution.text = text.strip()
        contribution.save(update_fields=["kind", "text", "updated"])
        contribution.objectives.set(objectives)
    return contribution


def answer_questionnaire(
    *,
    official,
    initiative,
    kind,
    knowledge,
    expectations="",
    satisfaction=None,
    use_of_learning="",
    comments="",
):
    """Store the official's entry or exit questionnaire. One of each per person: answering twice keeps the
    first answer. Returns (response, created). Raises SubmissionsClosed when the questionnaire is closed."""
    kind = QuestionnaireKind(kind)
    if not questionnaire_accepts_answers(initiative, kind):
        raise SubmissionsClosed(initiative, what=_("The questionnaires"))
    existing = QuestionnaireResponse.objects.filter(official=official, initiative=initiative, kind=kind).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            response = QuestionnaireResponse.objects.create(
                official=official,
                initiative=initiative,
                kind=kind,
                knowledge=knowledge,
                expectations=expectations.strip(),
                satisfaction=satisfaction if kind == QuestionnaireKind.EXIT else None,
                use_of_learning=use_of_learning.strip(),
                comments=comments.strip(),
            )
    except IntegrityError:
        return QuestionnaireResponse.objects.get(official=official, initiative=initiative, kind=kind), False
    return response, True


class RegistrationError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _edition_start(event):
    return Session.objects.filter(event=event).order_by("starts_at").values_list("starts_at", flat=True).first()


def _started(start, now):
    return start is not None and start <= now


def register_for_edition(*, official, event):
    """Register an official for one workshop edition of an initiative, or move them to another edition.
    Allowed until the edition (the one left and the one chosen) starts, and within its capacity.
    A repeated submission changes nothing: the database keeps one registration per official and initiative.
    Returns the registration."""
    now = timezone.now()
    with transaction.atomic():
        # Serialises concurrent registrations of this official (a double click, two tabs).
        official = Official.objects.select_for_update().get(pk=official.pk)
        event = Event.objects.select_for_update().select_related("initiative").get(pk=event.pk)
        if event.kind != EventKind.WORKSHOP:
            raise RegistrationError(_("Only workshop editions take registrations."))
        invited = official.invitations.filter(
            initiative=event.initiative_id, status__in=[InvitationStatus.SENT, InvitationStatus.ACCEPTED]
        ).exists()
        if not invited:
            raise RegistrationError(_("You are not invited to this initiative."))
        current = Registration.objects.filter(official=official, initiative=event.initiative_id).first()
        if current is not None and current.event_id == event.pk:
            return current
        start = _edition_start(event)
        if _started(start, now):
            raise RegistrationError(
                _("%(edition)s started on %(date)s: registration is closed.")
                % {
                    "edition": event.title,
                    "date": formats.date_format(timezone.localtime(start), "DATE_FORMAT"),
                }
            )
        if current is not None:
            current_start = _edition_start(current.event)
            if _started(current_start, now):
                raise RegistrationError(
                    _("Your edition, %(edition)s, has already started: your registration can't change.")
                    % {"edition": current.event.title}
                )
        if event.capacity is not None and event.registrations.count() >= event.capacity:
            raise RegistrationError(_("%(edition)s is full. Please choose another edition.") % {"edition": event.title})
        if current is None:
            return Registration.objects.create(official=official, event=event, initiative_id=event.initiative_id)
        current.event = event
        current.save(update_fields=["event", "updated"])
        return current


class AlmiMergeError(Exception):
    pass


def merge_almi_items(*, items, by):
    """Merge duplicate ALMI agenda items into the first (by position, then id): it gains the others'
    contributions and objectives, keeps its own title and summary; the others are deleted. One transaction.
    Raises AlmiMergeError when fewer than two items are given, they belong to different initiatives, or the
    user is not regional staff."""
    if not is_regional_staff(by):
        raise AlmiMergeError(_("Only regional staff can merge agenda items."))
    with transaction.atomic():
        items = list(
            AlmiAgendaItem.objects.select_for_update().filter(pk__in=[i.pk for i in items]).order_by("position", "pk")
        )
        if len(items) < 2:
            raise AlmiMergeError(_("Choose two or more agenda items to merge."))
        if len({item.initiative_id for item in items}) > 1:
            raise AlmiMergeError(_("Agenda items of different initiatives cannot be merged."))
        kept, others = items[0], items[1:]
        kept.contributions.add(*AlmiContribution.objects.filter(agenda_items__in=others).distinct())
        kept.objectives.add(*Objective.objects.filter(almi_items__in=others).distinct())
        AlmiAgendaItem.objects.filter(pk__in=[o.pk for o in others]).delete()
    return kept


def group_almi_contributions(*, contributions, by):
    """Make a new ALMI agenda item of the given contributions (of one initiative), titled after the first one's
    text and of its kind, with the objectives they are tagged with; staff then edit its title and summary.
    Raises AlmiMergeError when none is given, they belong to different initiatives, or the user is not
    regional staff."""
    if not is_regional_staff(by):
        raise AlmiMergeError(_("Only regional staff can group contributions."))
    contributions = sorted(contributions, key=lambda c: (c.created, c.pk))
    if not contributions:
        raise AlmiMergeError(_("Choose the contributions to group."))
    if len({c.initiative_id for c in contributions}) > 1:
        raise AlmiMergeError(_("Contributions of different initiatives cannot be grouped together."))
    first = contributions[0]
    base = " ".join(first.text.split())[:80] or _("New agenda item")
    with transaction.atomic():
        taken = set(
            AlmiAgendaItem.objects.filter(initiative_id=first.initiative_id, title__startswith=base).values_list(
                "title", flat=True
            )
        )
        title, number = base, 2
        while title in taken:
            title, number = f"{base} ({number})", number + 1
        item = AlmiAgendaItem.objects.create(initiative_id=first.initiative_id, title=title, kind=first.kind)
        item.contributions.set(contributions)
        item.objectives.set(Objective.objects.filter(almi_contributions__in=contributions).distinct())
    return item
