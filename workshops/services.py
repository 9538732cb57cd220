"""Writes of the officials' portal: the Automapeo, ALMI contributions and questionnaires.

Every function takes keyword arguments, checks that the stage accepts the write, and saves in one
transaction. Domain errors carry a message a person can act on.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from alp_portal.roles import is_regional_staff
from authorities.enums import Gender, InvitationStatus
from authorities.models import Official
from initiative.models import Objective

from .calendar import event_calendar
from .enums import (
    AttendanceSource,
    AttendanceStatus,
    EventKind,
    ImportStatus,
    MatchKind,
    QuestionnaireKind,
    SubmissionStatus,
)
from .models import (
    AlmiAgendaItem,
    AlmiContribution,
    Attendance,
    AttendanceImport,
    Automapeo,
    AutomapeoAction,
    Event,
    EventInvitation,
    QuestionnaireResponse,
    Registration,
    Session,
)
from .queries import import_candidates, submissions_closed_at
from .reports import ReportError, merged_seconds, name_tokens, parse_report
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


DISMISS = "dismiss"


class AttendanceError(Exception):
    """A write that cannot happen, with messages a person can act on. Nothing was changed."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


def _require_regional(by):
    if not is_regional_staff(by):
        raise AttendanceError(_("Only regional staff can record attendance."))


# --- the threshold ------------------------------------------------------------------------------------


def session_seconds(session):
    return int((session.ends_at - session.starts_at).total_seconds())


def meets_threshold(*, seconds, session, percent):
    """Present when the time attended reaches `percent` of the session's length (to the second)."""
    return seconds * 100 >= percent * session_seconds(session)


# Participant reports give times on the meeting tool's clock, without a zone; reports with times only (no
# date) read as this day, plus a day for each midnight the meeting went past.
TIME_ONLY_DAY = date(1900, 1, 1)
# A report's clock may be the organisers' or another (the tool's account in another time zone): the offsets
# tried to see which one lines the report up with the session best. Whole hours, as the zones of the region
# are: with half hours, a report of people who joined early would line up "better" half an hour off.
CLOCK_OFFSETS = [timedelta(hours=k) for k in range(-14, 15)]


def session_window(session):
    """The session's scheduled start and end on the organisers' clock (naive, like the reports' times)."""
    zone = zone_named(session.time_zone)
    return tuple(
        timezone.localtime(moment, zone).replace(tzinfo=None) for moment in (session.starts_at, session.ends_at)
    )


def _report_span(join_text, leave_text, start):
    """A report's (join, leave) as moments on the organisers' clock. Times of day only are put on the day
    that brings the join within twelve hours of the session's start (the evening before a session just after
    midnight, the next morning for one just before), the leave as long after the join as the report says."""
    join, leave = datetime.fromisoformat(join_text), datetime.fromisoformat(leave_text)
    if join.year != TIME_ONLY_DAY.year:
        return join, leave
    moment = datetime.combine(start.date(), join.time())
    if moment < start - timedelta(hours=12):
        moment += timedelta(days=1)
    elif moment > start + timedelta(hours=12):
        moment -= timedelta(days=1)
    return moment, moment + (leave - join)


def clipping_window(session, rows):
    """The session's schedule, to which the report's times are cut (time before the start or after the end
    does not count), when the report reads on the organisers' clock: of all the clock offsets tried, none
    puts more of the report's time inside the session than no offset. Otherwise None: cutting a report on
    another clock (the tool's account in another time zone) would drop real attendance, so nothing is cut and
    the preview says so."""
    start, end = session_window(session)
    spans = [_report_span(a, b, start) for row in rows for a, b in row["intervals"]]

    def inside(offset):
        return sum(max(0, (min(b - offset, end) - max(a - offset, start)).total_seconds()) for a, b in spans)

    if not spans or not inside(timedelta(0)):
        return None  # nothing of the report falls in the session (another day?): nothing to cut it to
    best = max(CLOCK_OFFSETS, key=lambda offset: (inside(offset), not offset))  # no offset wins a tie
    return (start, end) if not best else None


# --- matching -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """What the matcher found for a report row: `kind` (MatchKind), how (`method`: "email", "name" or ""),
    the official it counts for, the candidates staff choose from, and a `note` ({"code": ...}) saying why a
    row needs their decision (rendered in the reader's language by `match_note`)."""

    kind: str
    method: str = ""
    official: int | None = None
    candidates: list = field(default_factory=list)
    note: dict | None = None


# Why a row waits for staff. The e-mail is the stronger evidence: a name that fits an official never
# outweighs an e-mail that is not theirs.
EMAIL_NOT_THEIRS = "email_not_theirs"  # the name fits, but the report's e-mail belongs to nobody known
EMAIL_OF_ANOTHER = "email_of_another"  # the e-mail belongs to an official not expected at this session


class OfficialIndex:
    """Finds the officials a report row names: by e-mail first, then by name.

    An e-mail that belongs to an official (their own, or their account's) credits that official only. A
    row whose e-mail belongs to nobody known is never credited by name: when its name fits an official it
    goes to staff, saying so. Rows without an e-mail are matched by name.

    A name matches an official when the words of one are all among the words of the other (so "María Pérez"
    and "Pérez Gutiérrez, María José" both find "María José Pérez Gutiérrez") and the shared words include a
    given name and a surname. Accents, case, punctuation, initials and particles (de, da, dos, y, e) do not
    count. More than one official found is an ambiguous match, for staff to settle.

    `elsewhere` maps the e-mails of officials who are not candidates ({e-mail: official pk}).
    """

    def __init__(self, officials, *, elsewhere=None):
        self.by_email = {}
        self.elsewhere = elsewhere or {}
        self.words = {}
        self.postings = defaultdict(list)
        for official in officials:
            for email in (official.email, getattr(official, "account_email", "")):
                if email:
                    self.by_email.setdefault(email.casefold(), official.pk)
            given, surnames = set(name_tokens(official.first_name)), set(name_tokens(official.last_name))
            everything = given | surnames
            self.words[official.pk] = (given, surnames, everything)
            for word in everything:
                self.postings[word].append(official.pk)

    def by_name(self, name):
        words = set(name_tokens(name))
        if len(words) < 2:
            return []
        hits = Counter()
        for word in words:
            hits.update(self.postings.get(word, ()))
        found = []
        for pk, count in hits.items():
            given, surnames, everything = self.words[pk]
            if count == len(words):
                shared = words
            elif count == len(everything):
                shared = everything
            else:
                continue
            if shared & given and shared & surnames:
                found.append(pk)
        return sorted(found)

    def match(self, participant):
        email = participant.email
        if email and email in self.by_email:
            return Match(MatchKind.MATCHED, "email", self.by_email[email])
        if email and email in self.elsewhere:
            return Match(MatchKind.UNMATCHED, note={"code": EMAIL_OF_ANOTHER, "owner": self.elsewhere[email]})
        candidates = []
        for name in [participant.name, *participant.alt_names]:
            found = self.by_name(name)
            if len(found) == 1 and not email:
                return Match(MatchKind.MATCHED, "name", found[0])
            candidates += [pk for pk in found if pk not in candidates]
        if candidates and email:
            return Match(MatchKind.AMBIGUOUS, "name", None, candidates, {"code": EMAIL_NOT_THEIRS})
        if candidates:
            return Match(MatchKind.AMBIGUOUS, "name", None, candidates)
        return Match(MatchKind.UNMATCHED)


def match_note(row, officials):
    """Why a row waits for staff, in words ("" when it does not). `officials`: {pk: Official} with their
    local governments, holding the row's candidates and the owner of its e-mail."""
    note = row.get("note") or {}
    code, email = note.get("code"), row.get("email", "")
    if code == EMAIL_OF_ANOTHER and note.get("owner") in officials:
        owner = officials[note["owner"]]
        return _(
            "the report's e-mail %(email)s belongs to %(official)s (%(government)s), who is not expected at this "
            "session"
        ) % {"email": email, "official": owner.full_name, "government": owner.local_government.name}
    if code != EMAIL_NOT_THEIRS:
        return ""
    found = [officials[pk] for pk in row["candidates"] if pk in officials]
    if len(found) != 1:
        return _("the name matches %(officials)s but the report's e-mail %(email)s belongs to none of them") % {
            "officials": "; ".join(f"{o.full_name} ({o.local_government.name})" for o in found),
            "email": email,
        }
    official = found[0]
    values = {"official": official.full_name, "government": official.local_government.name, "email": email}
    if official.gender == Gender.FEMALE:
        return _("the name matches %(official)s (%(government)s) but the report's e-mail %(email)s is not hers") % (
            values
        )
    if official.gender == Gender.MALE:
        return _("the name matches %(official)s (%(government)s) but the report's e-mail %(email)s is not his") % (
            values
        )
    return _("the name matches %(official)s (%(government)s) but the report's e-mail %(email)s is not theirs") % (
        values
    )


def _officials_elsewhere(emails, candidates):
    """{e-mail: official pk} for the report's e-mails that belong to officials who are not candidates."""
    emails = sorted(set(emails))
    if not emails:
        return {}
    owners = (
        Official.objects.exclude(pk__in=candidates)
        .annotate(own=Lower("email"), account=Lower("user__email"))
        .filter(Q(own__in=emails) | Q(account__in=emails))
        .values_list("pk", "own", "account")
    )
    found = {}
    for pk, own, account in owners:
        for email in (own, account):
            if email in emails:
                found.setdefault(email, pk)
    return found


# --- importing a participant report -------------------------------------------------------------------

TOOL_SOURCES = {"zoom": AttendanceSource.ZOOM, "teams": AttendanceSource.TEAMS, "meet": AttendanceSource.MEET}


def upload_attendance_report(*, session, file_name, data, by):
    """Read a participant report and keep it, matched to officials, for staff to check and confirm.

    Side effects: creates one AttendanceImport (pending). Attendance is not touched.
    Raises AttendanceError when the file is not a report of a known kind.
    """
    _require_regional(by)
    try:
        report = parse_report(data, file_name=file_name)
    except ReportError as error:
        raise AttendanceError(error.message) from None
    candidates = list(
        import_candidates(session)
        .select_related(None)
        .annotate(account_email=F("user__email"))
        .only("pk", "first_name", "last_name", "email")
    )
    known = {email.casefold() for o in candidates for email in (o.email, o.account_email) if email}
    unknown = [p.email for p in report.participants if p.email and p.email not in known]
    index = OfficialIndex(candidates, elsewhere=_officials_elsewhere(unknown, [o.pk for o in candidates]))
    rows = []
    for number, participant in enumerate(report.participants):
        found = index.match(participant)
        rows.append(
            {
                "n": number,
                "name": participant.name,
                "alt": participant.alt_names,
                "email": participant.email,
                "guest": participant.guest,
                "segments": participant.rows,
                "seconds": participant.seconds,
                "intervals": [[start.isoformat(), end.isoformat()] for start, end in participant.intervals],
                "extra": participant.extra_seconds,
                "match": found.kind.value,
                "method": found.method,
                "official": found.official,
                "candidates": found.candidates,
                "note": found.note,
                "decision": None,
            }
        )
    return AttendanceImport.objects.create(
        session=session,
        tool=TOOL_SOURCES[report.tool],
        file_name=file_name[:255],
        digest=hashlib.sha256(data).hexdigest(),
        title=report.title[:300],
        rows_read=report.rows_read,
        rows=rows,
        uploaded_by=by,
    )


def effective_official(row, decision=None):
    """The official a row counts for after the staff's decision (None: the row does not count)."""
    decision = row.get("decision") if decision is None else decision
    if decision == DISMISS:
        return None
    if decision not in (None, ""):
        return int(decision)
    return row["official"] if row["match"] == MatchKind.MATCHED else None


def totals_by_official(rows, decisions=None, *, session):
    """Seconds per official over every row that counts for them, within the session: overlapping segments
    count once, time outside the schedule does not (see clipping_window), and nobody has more than the
    session's length (durations without times cannot be cut)."""
    decisions = decisions or {}
    window = clipping_window(session, rows)
    start = session_window(session)[0]
    intervals, extra = defaultdict(list), defaultdict(int)
    for row in rows:
        official = effective_official(row, decisions.get(row["n"]))
        if official is None:
            continue
        spans = [_report_span(a, b, start) for a, b in row["intervals"]]
        if window is not None:
            first, last = window
            spans = [(max(a, first), min(b, last)) for a, b in spans if min(b, last) > max(a, first)]
        intervals[official] += spans
        extra[official] += row["extra"]
    longest = session_seconds(session)
    return {pk: min(merged_seconds(intervals[pk]) + extra[pk], longest) for pk in set(intervals) | set(extra)}


def clean_decisions(attendance_import, raw, allowed):
    """Staff choices from a form ({row number: "dismiss" or an official pk as text}) → validated dict.

    `allowed` holds the officials a row may be linked to ({pk: Official}, with local governments).
    Raises AttendanceError listing every row to review left undecided and every choice that is not allowed.
    Unmatched rows left undecided are dismissed."""
    decisions, errors = {}, []
    for row in attendance_import.rows:
        value = str(raw.get(row["n"]) or "").strip()
        if value == DISMISS:
            decisions[row["n"]] = DISMISS
        elif value:
            if not value.isdigit() or int(value) not in allowed:
                errors.append(_("“%(name)s”: choose an official from the list.") % {"name": row["name"]})
            else:
                decisions[row["n"]] = int(value)
        elif row["match"] == MatchKind.AMBIGUOUS and row.get("note"):
            errors.append(
                _("“%(name)s”: %(reason)s. Choose the official it belongs to, or dismiss the row.")
                % {"name": row["name"], "reason": match_note(row, allowed)}
            )
        elif row["match"] == MatchKind.AMBIGUOUS:
            errors.append(
                _("“%(name)s” matches several officials: choose one, or dismiss the row.") % {"name": row["name"]}
            )
        elif row["match"] == MatchKind.UNMATCHED:
            decisions[row["n"]] = DISMISS
    if errors:
        raise AttendanceError(errors)
    return decisions


def confirm_attendance_import(*, attendance_import, decisions, by):
    """Write the attendance of a checked report: all of it, or nothing.

    `decisions` are the staff's choices for rows, {row number: "dismiss" or an official pk}; every ambiguous
    row needs one, and unmatched rows without one are dismissed (see `clean_decisions`).

    Each official the report names gets present (minutes reach the initiative's threshold) or absent, with
    their minutes, the report as source, and `by` as the person who confirmed. An official marked excused
    by hand stays excused when the report finds them below the threshold. Rows that would not change are
    left alone, so importing the same report twice changes nothing; a corrected report updates.
    Side effects: creates and updates Attendance rows; marks the import confirmed with its outcome.
    """
    _require_regional(by)
    with transaction.atomic():
        locked = (
            AttendanceImport.objects.select_for_update()
            .select_related("session__event__initiative")
            .get(pk=attendance_import.pk)
        )
        if locked.status != ImportStatus.PENDING:
            raise AttendanceError(
                _("This report was already %(status)s: upload it again to import it.")
                % {"status": locked.get_status_display().lower()}
            )
        session = locked.session
        allowed = {official.pk: official for official in import_candidates(session)}
        decisions = clean_decisions(locked, decisions, allowed)
        percent = session.event.initiative.attendance_threshold_percent
        totals = totals_by_official(locked.rows, decisions, session=session)
        now = timezone.now()
        existing = {
            a.official_id: a
            for a in Attendance.objects.select_for_update().filter(session=session, official_id__in=list(totals))
        }
        to_create, to_update, unchanged = [], [], 0
        for official_id, seconds in sorted(totals.items()):
            status = (
                AttendanceStatus.PRESENT
                if meets_threshold(seconds=seconds, session=session, percent=percent)
                else AttendanceStatus.ABSENT
            )
            minutes = seconds // 60
            current = existing.get(official_id)
            if current is None:
                to_create.append(
                    Attendance(
                        official_id=official_id,
                        session=session,
                        status=status,
                        minutes=minutes,
                        source=locked.tool,
                        source_reference=locked.source_reference,
                        confirmed_by=by,
                        confirmed_at=now,
                    )
                )
                continue
            if status == AttendanceStatus.ABSENT and current.status == AttendanceStatus.EXCUSED:
                status = AttendanceStatus.EXCUSED
            new = (status, minutes, locked.tool, locked.source_reference)
            if (current.status, current.minutes, current.source, current.source_reference) == new:
                unchanged += 1
                continue
            current.status, current.minutes, current.source, current.source_reference = new
            current.confirmed_by, current.confirmed_at = by, now
            to_update.append(current)
        Attendance.objects.bulk_create(to_create)
        Attendance.objects.bulk_update(
            to_update, ["status", "minutes", "source", "source_reference", "confirmed_by", "confirmed_at", "updated"]
        )
        for row in locked.rows:
            row["decision"] = decisions.get(row["n"])
        locked.status = ImportStatus.CONFIRMED
        locked.confirmed_by, locked.confirmed_at = by, now
        locked.threshold_percent = percent
        locked.outcome = {
            "created": len(to_create),
            "updated": len(to_update),
            "unchanged": unchanged,
            "present": sum(
                1 for seconds in totals.values() if meets_threshold(seconds=seconds, session=session, percent=percent)
            ),
        }
        locked.save()
    return locked.outcome


def expire_attendance_imports(*, older_than):
    """Delete the participant reports still waiting for confirmation that were uploaded before `older_than`
    (a datetime): nothing of them reached the attendance. Returns how many."""
    deleted, _by_model = AttendanceImport.objects.filter(status=ImportStatus.PENDING, created__lt=older_than).delete()
    return deleted


def discard_attendance_import(*, attendance_import, by):
    _require_regional(by)
    with transaction.atomic():
        locked = AttendanceImport.objects.select_for_update().get(pk=attendance_import.pk)
        if locked.status != ImportStatus.PENDING:
            raise AttendanceError(_("Only a report waiting for confirmation can be discarded."))
        locked.status = ImportStatus.DISCARDED
        locked.save(update_fields=["status", "updated"])


# --- the roster ---------------------------------------------------------------------------------------


def record_attendance(*, session, statuses, by):
    """Record present / absent / excused by hand for officials of a session ({official pk: status}).

    Rows whose status does not change are left alone (their minutes and source stay). A changed row
    becomes a manual record confirmed by `by`. Returns the number of rows created or changed.
    """
    _require_regional(by)
    for status in statuses.values():
        if status not in AttendanceStatus.values:
            raise AttendanceError(_("Choose present, absent or excused."))
    now = timezone.now()
    with transaction.atomic():
        existing = {
            a.official_id: a
            for a in Attendance.objects.select_for_update().filter(session=session, official_id__in=list(statuses))
        }
        to_create, to_update = [], []
        for official_id, status in statuses.items():
            current = existing.get(official_id)
            if current is None:
                to_create.append(
                    Attendance(
                        official_id=official_id,
                        session=session,
                        status=status,
                        source=AttendanceSource.MANUAL,
                        confirmed_by=by,
                        confirmed_at=now,
                    )
                )
            elif current.status != status:
                current.status, current.source = status, AttendanceSource.MANUAL
                current.confirmed_by, current.confirmed_at = by, now
                to_update.append(current)
        Attendance.objects.bulk_create(to_create)
        Attendance.objects.bulk_update(to_update, ["status", "source", "confirmed_by", "confirmed_at", "updated"])
    return len(to_create) + len(to_update)


# --- invitations to an event --------------------------------------------------------------------------


def schedule_digest(sessions):
    text = "|".join(
        f"{s.pk};{s.starts_at.isoformat()};{s.ends_at.isoformat()};{s.title};{s.meeting_url}" for s in sessions
    )
    return hashlib.sha256(text.encode()).hexdigest()


def zone_named(*names):
    """The first valid time zone among `names` (free text typed by staff), else the portal's."""
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo(settings.TIME_ZONE)


def _invitation_message(event, sessions, official, *, sequence):
    first = sessions[0]
    with translation.override(official.language), timezone.override(zone_named(official.time_zone, first.time_zone)):
        context = {"event": event, "sessions": sessions, "official": official, "update": sequence > 0}
        subject = " ".join(render_to_string("workshops/email/event_invitation_subject.txt", context).split())
        body = render_to_string("workshops/email/event_invitation.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[official.email])
    message.attach("invitation.ics", event_calendar(event, sessions, sequence=sequence), "text/calendar")
    return message


def send_event_invitations(*, event, officials, by):
    """E-mail each official the event's sessions, in their language, with a calendar file.

    An official who already received this schedule gets nothing; one who received an older schedule gets
    an update. Side effects: sends e-mails; creates or updates one EventInvitation per e-mail sent, right
    after it is sent (so the record matches what went out even if the mail server fails midway).
    Returns {"sent": n, "updated": n, "skipped": n}.
    """
    if not is_regional_staff(by):
        raise AttendanceError(_("Only regional staff can send invitations."))
    sessions = list(event.sessions.prefetch_related("agenda_items").order_by("starts_at"))
    if not sessions:
        raise AttendanceError(
            _("“%(event)s” has no session yet: add its sessions before sending invitations.") % {"event": event}
        )
    digest = schedule_digest(sessions)
    existing = {i.official_id: i for i in EventInvitation.objects.filter(event=event, official__in=officials)}
    outcome = {"sent": 0, "updated": 0, "skipped": 0}
    for official in officials:
        record = existing.get(official.pk)
        if record is not None and record.schedule_digest == digest:
            outcome["skipped"] += 1
            continue
        sequence = 0 if record is None else record.sequence + 1
        _invitation_message(event, sessions, official, sequence=sequence).send()
        EventInvitation.objects.update_or_create(
            event=event,
            official=official,
            defaults={
                "sent_at": timezone.now(),
                "sent_by": by,
                "email": official.email,
                "language": official.language,
                "sequence": sequence,
                "schedule_digest": digest,
            },
        )
        outcome["updated" if record else "sent"] += 1
    return outcome


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
