"""Who meets the certification rule, and why not: the one place the rule is decided.

The rule of the report: a person took part in the launch (when the initiative requires it) and in at least
`min_workshop_sessions` workshop sessions, each attended for at least `attendance_threshold_percent` of the
session's length. `workshops` records the facts (seconds attended, as a report measured them, or a mark by
hand); here they become tallies (`attendance_counts` is the one comparison, on seconds), verdicts with the
reasons staff act on and the sentences the official reads, staff overrides, the stage figures and what
issuance recognizes. Every page, export, task and figure asks here. A fixed number of queries, whatever the
number of officials.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alp_portal.generations import Generation
from authorities.models import Official
from authorities.queries import FIGURE_COLUMNS, figures_of
from initiative.models import Initiative
from workshops.enums import AttendanceStatus, EventKind
from workshops.models import Attendance, Event, Session

from .enums import RecognitionKind
from .models import EligibilityOverride, Recognition

# --- one attendance -----------------------------------------------------------------------------------


def attendance_counts(*, status, seconds, session_seconds, percent):
    """Whether one attendance counts under the rule. Marked absent: never. Measured by a report (`seconds`
    known): when the seconds reach `percent` of the session's length, to the second, whatever the mark (an
    official excused by hand who then attended long enough did attend). Marked by hand without a measure:
    when marked present."""
    if status == AttendanceStatus.ABSENT:
        return False
    if seconds is None:
        return status == AttendanceStatus.PRESENT
    return seconds * 100 >= percent * session_seconds


def _length(session):
    return int((session.ends_at - session.starts_at).total_seconds())


def seconds_count(seconds, session):
    """Whether `seconds` measured at `session` (its event and initiative loaded) count under the rule."""
    return attendance_counts(
        status=AttendanceStatus.PRESENT,
        seconds=seconds,
        session_seconds=_length(session),
        percent=session.event.initiative.attendance_threshold_percent,
    )


def threshold_seconds(session):
    """The least time that counts at `session`, in seconds (a fraction when the length does not divide)."""
    return _length(session) * session.event.initiative.attendance_threshold_percent / 100


# --- tallies ------------------------------------------------------------------------------------------


@dataclass
class AttendanceTally:
    """What one official's attendance counts for under the certification rule."""

    launch: int = 0  # launch sessions attended long enough
    workshop: int = 0  # workshop sessions (of any edition) attended long enough
    launch_too_short: int = 0  # attended, but for less than the threshold of the session's length
    workshop_too_short: int = 0
    workshop_seconds: int = 0  # seconds measured in the workshop sessions that count

    @property
    def workshop_minutes(self):
        return self.workshop_seconds // 60


def attendance_tallies(initiative, officials=None):
    """Per official id, the launch and workshop sessions of `initiative` that count under its rule. One query."""
    # No ordering: Attendance's default one joins every official's row to sort what is summed here anyway.
    rows = Attendance.objects.filter(
        session__event__initiative=initiative,
        session__event__kind__in=[EventKind.LAUNCH, EventKind.WORKSHOP],
        status__in=[AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED],
    ).order_by()
    if officials is not None:
        rows = rows.filter(official__in=officials)
    tallies = {}
    for official_id, kind, status, seconds, starts_at, ends_at in rows.values_list(
        "official_id", "session__event__kind", "status", "seconds", "session__starts_at", "session__ends_at"
    ):
        if seconds is None and status != AttendanceStatus.PRESENT:
            continue  # excused by hand: neither attended nor too short
        tally = tallies.setdefault(official_id, AttendanceTally())
        counts = attendance_counts(
            status=status,
            seconds=seconds,
            session_seconds=int((ends_at - starts_at).total_seconds()),
            percent=initiative.attendance_threshold_percent,
        )
        name = "launch" if kind == EventKind.LAUNCH else "workshop"
        if not counts:
            name += "_too_short"
        elif name == "workshop":
            tally.workshop_seconds += seconds or 0
        setattr(tally, name, getattr(tally, name) + 1)
    return tallies


def meets_rule(initiative, tally):
    if initiative.require_launch and tally.launch < 1:
        return False
    return tally.workshop >= initiative.min_workshop_sessions


def reasons_not_met(initiative, tally):
    """What is missing for `tally` to meet the rule, in words staff can act on (empty when it is met)."""
    reasons = []
    percent = initiative.attendance_threshold_percent
    if initiative.require_launch and tally.launch < 1:
        if tally.launch_too_short:
            reasons.append(_("attended the launch for less than %(percent)s%% of its length") % {"percent": percent})
        else:
            reasons.append(_("no attendance at the launch"))
    required = initiative.min_workshop_sessions
    if tally.workshop < required:
        reasons.append(
            _("%(count)s of %(required)s workshop sessions") % {"count": tally.workshop, "required": required}
        )
        if tally.workshop_too_short:
            reasons.append(
                ngettext(
                    "%(count)s workshop session attended for less than %(percent)s%% of its length",
                    "%(count)s workshop sessions attended for less than %(percent)s%% of their length",
                    tally.workshop_too_short,
                )
                % {"count": tally.workshop_too_short, "percent": percent}
            )
    return reasons


# --- a person's eligibility ---------------------------------------------------------------------------


@dataclass
class PersonEligibility:
    """The rule applied to one official in one initiative: what they did, what is missing, staff's override
    (which wins) and the recognition already issued, if any."""

    official: Official
    initiative: Initiative
    tally: AttendanceTally
    override: EligibilityOverride | None = None
    recognition: Recognition | None = None  # the person's recognition, read for the lists (not `eligibility_of`)
    reasons: list[str] = field(init=False)

    def __post_init__(self):
        self.reasons = reasons_not_met(self.initiative, self.tally)

    @property
    def by_rule(self):
        return meets_rule(self.initiative, self.tally)

    @property
    def eligible(self):
        return self.override.eligible if self.override is not None else self.by_rule

    @property
    def overridden(self):
        return self.override is not None

    # What the official's own preview shows.

    @property
    def launch_required(self):
        return self.initiative.require_launch

    @property
    def took_part_in_launch(self):
        return self.tally.launch > 0

    @property
    def workshop_sessions(self):
        return self.tally.workshop

    @property
    def workshop_minutes(self):
        return self.tally.workshop_minutes

    @property
    def min_workshop_sessions(self):
        return self.initiative.min_workshop_sessions

    @property
    def launch_ok(self):
        return self.took_part_in_launch or not self.launch_required

    @property
    def workshop_ok(self):
        return self.workshop_sessions >= self.min_workshop_sessions

    @property
    def sessions_missing(self):
        return max(self.min_workshop_sessions - self.workshop_sessions, 0)

    @property
    def missing(self):
        """What the official still lacks, in sentences addressed to them (empty once eligible)."""
        if self.eligible:
            return []
        lacks = []
        if self.launch_required and not self.took_part_in_launch:
            lacks.append(_("Take part in the launch."))
        if self.sessions_missing:
            lacks.append(
                ngettext(
                    "Take part in %(count)d more workshop session.",
                    "Take part in %(count)d more workshop sessions.",
                    self.sessions_missing,
                )
                % {"count": self.sessions_missing}
            )
        return lacks


def candidates(initiative, officials):
    """The officials (within `officials`) invited to the initiative or present at any of its sessions."""
    return (
        officials.filter(Q(invitations__initiative=initiative) | Q(attendances__session__event__initiative=initiative))
        .distinct()
        .select_related("local_government")
        .order_by("local_government__country", "local_government__name", "last_name", "first_name", "pk")
    )


def _eligibility(initiative, people, *, full=True):
    """`full`: also each person's recognition and who decided each override, as the staff lists show them."""
    ids = [official.pk for official in people]
    tallies = attendance_tallies(initiative, officials=ids)
    overrides = EligibilityOverride.objects.filter(initiative=initiative, official__in=ids)
    recognitions = {}
    if full:
        overrides = overrides.select_related("decided_by")
        held = Recognition.objects.filter(initiative=initiative, kind=RecognitionKind.PERSON, official__in=ids)
        recognitions = {recognition.official_id: recognition for recognition in held}
    overrides = {override.official_id: override for override in overrides}
    return [
        PersonEligibility(
            official=official,
            initiative=initiative,
            tally=tallies.get(official.pk, AttendanceTally()),
            override=overrides.get(official.pk),
            recognition=recognitions.get(official.pk),
        )
        for official in people
    ]


def eligibility_rows(initiative, officials):
    """One `PersonEligibility` per candidate among `officials` (a queryset already scoped to who asks). Four
    queries."""
    return _eligibility(initiative, list(candidates(initiative, officials)))


def eligibility_for_user(initiative, user):
    return eligibility_rows(initiative, Official.objects.for_user(user))


# What the rule reads of one official (their attendance tally and the staff's decision), kept for the official's
# own home until an attendance, a session, an event, an initiative or a decision changes: the two queries were a
# quarter of the home's time (bench/page_load.py, issue 14). Followed from CertificatesConfig.ready.
OFFICIAL_ATTENDANCE = Generation("eligibility-of-official")


def follow_official_attendance():
    OFFICIAL_ATTENDANCE.follow(Initiative, Event, Session, Attendance, EligibilityOverride)


def eligibility_of(official, initiative, *, kept=False):
    """The rule for one official, whether or not they are a candidate: the official's own preview and their
    admin page, which show the verdict, not the recognition (so `recognition` is not read: None; the lists
    that issue read it, `eligibility_rows`). Two queries.

    `kept`: their attendance and the decision as kept since those tables last changed, for a page that only
    reads (the official's home; no query once kept). The rule is applied to them here all the same. What is decided
    on (issuing, the staff's lists) always reads the rows."""
    if not kept:
        return _eligibility(initiative, [official], full=False)[0]

    def read():
        row = _eligibility(initiative, [official], full=False)[0]
        return row.tally, row.override

    tally, override = OFFICIAL_ATTENDANCE.kept(f"{official.pk}:{initiative.pk}", read)
    return PersonEligibility(official=official, initiative=initiative, tally=tally, override=override)


def eligibility_in_each_initiative(official):
    """The rule for `official` in every initiative they are invited to, newest first."""
    initiatives = Initiative.objects.filter(invitations__official=official).order_by("-year", "name").distinct()
    return [eligibility_of(official, initiative) for initiative in initiatives]


def eligible_governments(rows):
    """A local government is recognized when at least one of its officials is: {government: [rows]}."""
    governments = {}
    for row in rows:
        if row.eligible:
            governments.setdefault(row.official.local_government, []).append(row)
    return governments


# --- figures ------------------------------------------------------------------------------------------


def officials_meeting_rule(initiative):
    """Officials who meet the rule by their attendance (overrides aside)."""
    tallies = attendance_tallies(initiative)
    return Official.objects.filter(
        pk__in=[official_id for official_id, tally in tallies.items() if meets_rule(initiative, tally)]
    )


def participation_figures(initiative):
    """The figures of who took part, under the rule: {"launch": ..., "workshop": ..., "both": ...} (people
    whose attendance counts at the launch, at the workshop, and who meet the whole rule)."""
    tallies = attendance_tallies(initiative)
    # Who attended, read once (a join, not the ids of thousands sent back in an IN list three times over).
    attended = {
        row[0]: row
        for row in Official.objects.filter(attendances__session__event__initiative=initiative)
        .values_list(*FIGURE_COLUMNS)
        .distinct()
    }

    def figures(test):
        return figures_of(attended[pk] for pk, tally in tallies.items() if test(tally) and pk in attended)

    return {
        "launch": figures(lambda tally: tally.launch > 0),
        "workshop": figures(lambda tally: tally.workshop > 0),
        "both": figures(lambda tally: meets_rule(initiative, tally)),
    }
