"""Attendance: the facts of who took part in which session, and for how long.

The participant-report import (upload, the preview's figures, confirm, discard), the roster recorded by
hand, and the session's window on the organisers' clock that a report's times are cut to. Attendance
stores what was measured, seconds attended (none when marked by hand); whether that is enough for a
recognition is `certificates.eligibility`'s to decide.
"""

import hashlib
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from alp_portal import audit
from alp_portal.generations import written_in_bulk
from alp_portal.roles import is_regional_staff
from authorities.enums import InvitationStatus
from authorities.models import Official

from .calendar import zone_named
from .enums import AttendanceSource, AttendanceStatus, EventKind, ImportStatus, MatchKind
from .matching import OfficialIndex, match_note, officials_elsewhere
from .models import Attendance, AttendanceImport
from .reports import ReportError, merged_seconds, parse_report

DISMISS = "dismiss"


class AttendanceError(Exception):
    """A write that cannot happen, with messages a person can act on. Nothing was changed."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


def _require_regional(by):
    if not is_regional_staff(by):
        raise AttendanceError(_("Only regional staff can record attendance."))


# --- the session's window and the report's clock -------------------------------------------------------


def session_seconds(session):
    """The session's length in seconds: what attendance is measured against."""
    return int((session.ends_at - session.starts_at).total_seconds())


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
    index = OfficialIndex(candidates, elsewhere=officials_elsewhere(unknown, [o.pk for o in candidates]))
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

    `decisions` are the staff's choices for rows, {row number: "dismiss" or an official pk}; every row to
    review needs one, and unmatched rows without one are dismissed (see `clean_decisions`).

    Each official the report names gets the fact it measured: the seconds they attended (see
    `totals_by_official`), the report as source, and `by` as the person who confirmed; they are present, or
    stay excused when staff marked them so by hand. Whether those seconds are enough for the certificate is
    not decided here (the initiative's threshold may change later): `certificates.eligibility` decides it.
    Rows that would not change are left alone, so importing the same report twice changes nothing; a
    corrected report updates.
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
        totals = totals_by_official(locked.rows, decisions, session=session)
        now = timezone.now()
        existing = {
            a.official_id: a
            for a in Attendance.objects.select_for_update().filter(session=session, official_id__in=list(totals))
        }
        to_create, to_update, unchanged = [], [], 0
        for official_id, seconds in sorted(totals.items()):
            current = existing.get(official_id)
            if current is None:
                to_create.append(
                    Attendance(
                        official_id=official_id,
                        session=session,
                        status=AttendanceStatus.PRESENT,
                        seconds=seconds,
                        source=locked.tool,
                        source_reference=locked.source_reference,
                        confirmed_by=by,
                        confirmed_at=now,
                    )
                )
                continue
            excused = current.status == AttendanceStatus.EXCUSED
            status = AttendanceStatus.EXCUSED if excused else AttendanceStatus.PRESENT
            new = (status, seconds, locked.tool, locked.source_reference)
            if (current.status, current.seconds, current.source, current.source_reference) == new:
                unchanged += 1
                continue
            current.status, current.seconds, current.source, current.source_reference = new
            current.confirmed_by, current.confirmed_at = by, now
            current.updated = now  # bulk_update writes the attribute as it is: auto_now does not apply
            to_update.append(current)
        Attendance.objects.bulk_create(to_create)
        Attendance.objects.bulk_update(
            to_update, ["status", "seconds", "source", "source_reference", "confirmed_by", "confirmed_at", "updated"]
        )
        written_in_bulk(Attendance)
        for row in locked.rows:
            row["decision"] = decisions.get(row["n"])
        locked.status = ImportStatus.CONFIRMED
        locked.confirmed_by, locked.confirmed_at = by, now
        locked.outcome = {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged}
        locked.save()
        audit.record(event="attendance-import", by=by, obj=session, file=locked.file_name, present=len(totals))
        from initiative.report import refresh_public_reports_on_commit

        refresh_public_reports_on_commit(session.event.initiative_id)
    return locked.outcome


def correct_attendance(*, attendance, status, seconds, reason, by):
    """Correct one attendance by hand (a report that missed someone's second device, a person wrongly marked):
    the new status and seconds attended (None when not measured), with the reason, which goes to the audit
    trail with what it was before. Only regional staff.

    Side effects: saves the attendance (source: by hand; confirmed by `by`) with its audit entry, together.
    Raises AttendanceError, changing nothing, without a reason or with negative seconds."""
    _require_regional(by)
    reason = (reason or "").strip()
    if not reason:
        raise AttendanceError(_("Say why: the reason is kept in the audit trail."))
    if seconds is not None and seconds < 0:
        raise AttendanceError(_("The time attended cannot be negative."))
    with transaction.atomic():
        locked = Attendance.objects.select_for_update().get(pk=attendance.pk)
        before = _attendance_words(locked)
        locked.status, locked.seconds = status, seconds
        locked.source, locked.source_reference = AttendanceSource.MANUAL, ""
        locked.confirmed_by, locked.confirmed_at = by, timezone.now()
        locked.save()
        audit.record(
            event="attendance-correction",
            by=by,
            obj=locked,
            reason=reason,
            before=before,
            after=_attendance_words(locked),
        )
    return locked


def _attendance_words(attendance):
    """The attendance in words, lazily: the audit trail keeps it in every language."""
    status = AttendanceStatus(attendance.status).label
    if attendance.seconds is None:
        return status
    return format_lazy("{} ({} min)", status, attendance.seconds // 60)


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

    Rows whose status does not change are left alone (their seconds and source stay). A changed row
    becomes a manual record confirmed by `by`; the seconds a report measured stay with it. A row created by
    hand has no seconds. Returns the number of rows created or changed.
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
                current.updated = now  # bulk_update writes the attribute as it is: auto_now does not apply
                to_update.append(current)
        Attendance.objects.bulk_create(to_create)
        Attendance.objects.bulk_update(to_update, ["status", "source", "confirmed_by", "confirmed_at", "updated"])
        written_in_bulk(Attendance)
    return len(to_create) + len(to_update)


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
            attendance_seconds=Subquery(own.values("seconds")[:1]),
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


# --- the import preview -------------------------------------------------------------------------------


def import_preview(session, attendance_import, choices):
    """The import preview's tables: matched, to review and unmatched rows, with each row's seconds and the
    seconds of the official it counts for under the staff's current choices. Facts only: the preview's
    template asks `certificates` whether they are enough."""
    officials = {official.pk: official for official in import_candidates(session)}
    owners = {row["note"]["owner"] for row in attendance_import.rows if (row.get("note") or {}).get("owner")}
    # Owners of e-mails found in the report who are not expected at the session: named in the notes only.
    named = {**officials, **Official.objects.select_related("local_government").in_bulk(owners - set(officials))}
    numeric = {}
    for n, value in choices.items():
        value = str(value or "")
        if value == DISMISS or value.isdigit():
            numeric[n] = DISMISS if value == DISMISS else int(value)
    totals = totals_by_official(attendance_import.rows, numeric, session=session)
    window = clipping_window(session, attendance_import.rows)
    groups = {kind: [] for kind in MatchKind.values}
    for row in attendance_import.rows:
        official_pk = effective_official(row, numeric.get(row["n"]))
        groups[row["match"]].append(
            {
                **row,
                "minutes": row["seconds"] // 60,
                "official_obj": officials.get(row["official"]),
                "candidate_objs": [officials[pk] for pk in row["candidates"] if pk in officials],
                "note": match_note(row, named),
                "choice": str(choices.get(row["n"]) or ""),
                "total_seconds": totals.get(official_pk),
            }
        )
    # Reports carry local times without a zone: compare days only, to catch a report of another session.
    report_days = {
        datetime.fromisoformat(start).date()
        for row in attendance_import.rows
        for start, _end in row["intervals"]
        if not start.startswith("1900-")
    }
    session_day = session_window(session)[0].date()
    other_day = min(report_days) if report_days and session_day not in report_days else None
    already = (
        AttendanceImport.objects.filter(session=session, digest=attendance_import.digest, status=ImportStatus.CONFIRMED)
        .exclude(pk=attendance_import.pk)
        .select_related("confirmed_by")
        .first()
    )
    return {
        "matched": groups[MatchKind.MATCHED],
        "ambiguous": groups[MatchKind.AMBIGUOUS],
        "unmatched": groups[MatchKind.UNMATCHED],
        "officials": list(officials.values()),
        "totals": totals,
        "already": already,
        "other_day": other_day,
        # Time outside the schedule is left out, or could not be (the report is on another clock).
        "clipped": window is not None,
        "window": session_window(session),
        "has_times": any(row["intervals"] for row in attendance_import.rows),
        "session_day": session_day,
        "pending": attendance_import.status == ImportStatus.PENDING,
        "dismiss": DISMISS,
    }
