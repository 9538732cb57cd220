"""Writes of the workshops app: attendance by hand and from participant reports, and event invitations."""

import hashlib
from collections import Counter, defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alp_portal.roles import is_regional_staff

from .calendar import event_calendar
from .enums import AttendanceSource, AttendanceStatus, ImportStatus, MatchKind
from .models import Attendance, AttendanceImport, EventInvitation
from .queries import import_candidates
from .reports import ReportError, merged_seconds, name_tokens, parse_report

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


# --- matching -----------------------------------------------------------------------------------------


class OfficialIndex:
    """Finds the officials a report row names: by e-mail first, then by name.

    A name matches an official when the words of one are all among the words of the other (so "María Pérez"
    and "Pérez Gutiérrez, María José" both find "María José Pérez Gutiérrez") and the shared words include a
    given name and a surname. Accents, case, punctuation, initials and particles (de, da, dos, y, e) do not
    count. More than one official found is an ambiguous match, for staff to settle.
    """

    def __init__(self, officials):
        self.by_email = {}
        self.words = {}
        self.postings = defaultdict(list)
        for official in officials:
            if official.email:
                self.by_email[official.email.casefold()] = official.pk
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
        """(kind, method, official pk or None, candidate pks)."""
        if participant.email and participant.email in self.by_email:
            return MatchKind.MATCHED, "email", self.by_email[participant.email], []
        candidates = []
        for name in [participant.name, *participant.alt_names]:
            found = self.by_name(name)
            if len(found) == 1:
                return MatchKind.MATCHED, "name", found[0], []
            candidates += [pk for pk in found if pk not in candidates]
        if candidates:
            return MatchKind.AMBIGUOUS, "name", None, candidates
        return MatchKind.UNMATCHED, "", None, []


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
    index = OfficialIndex(
        import_candidates(session).select_related(None).only("pk", "first_name", "last_name", "email")
    )
    rows = []
    for number, participant in enumerate(report.participants):
        kind, method, official, candidates = index.match(participant)
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
                "match": kind.value,
                "method": method,
                "official": official,
                "candidates": candidates,
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


def totals_by_official(rows, decisions=None):
    """Seconds per official over every row that counts for them: overlapping segments count once."""
    decisions = decisions or {}
    intervals, extra = defaultdict(list), defaultdict(int)
    for row in rows:
        official = effective_official(row, decisions.get(row["n"]))
        if official is None:
            continue
        intervals[official] += [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in row["intervals"]]
        extra[official] += row["extra"]
    return {pk: merged_seconds(intervals[pk]) + extra[pk] for pk in set(intervals) | set(extra)}


def clean_decisions(attendance_import, raw, allowed):
    """Staff choices from a form ({row number: "dismiss" or an official pk as text}) → validated dict.

    Raises AttendanceError listing every ambiguous row left undecided and every choice that is not allowed.
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
        allowed = set(import_candidates(session).values_list("pk", flat=True))
        decisions = clean_decisions(locked, decisions, allowed)
        percent = session.event.initiative.attendance_threshold_percent
        totals = totals_by_official(locked.rows, decisions)
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
