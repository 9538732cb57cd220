"""Who may be recognized, and why not: the rule of the report over attendance, with staff overrides.

The rule itself (launch, N workshop sessions, P % of each session's length) lives in `workshops.queries`, so
that the stage figures and the certificates count the same people. Here it gets its reasons, the overrides and
the recognitions already issued, for one initiative and the officials a user may see. A fixed number of
queries, whatever the number of officials.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from authorities.models import Official
from workshops.queries import AttendanceTally, attendance_tallies, meets_rule

from .enums import RecognitionKind
from .models import EligibilityOverride, Recognition


@dataclass
class PersonEligibility:
    official: Official
    tally: AttendanceTally
    by_rule: bool
    reasons: list[str] = field(default_factory=list)
    override: EligibilityOverride | None = None
    recognition: Recognition | None = None

    @property
    def eligible(self):
        return self.override.eligible if self.override is not None else self.by_rule

    @property
    def overridden(self):
        return self.override is not None


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


def candidates(initiative, officials):
    """The officials (within `officials`) invited to the initiative or present at any of its sessions."""
    return (
        officials.filter(Q(invitations__initiative=initiative) | Q(attendances__session__event__initiative=initiative))
        .distinct()
        .select_related("local_government")
        .order_by("local_government__country", "local_government__name", "last_name", "first_name", "pk")
    )


def eligibility_rows(initiative, officials):
    """One `PersonEligibility` per candidate among `officials` (a queryset already scoped to who asks)."""
    people = list(candidates(initiative, officials))
    ids = [official.pk for official in people]
    tallies = attendance_tallies(initiative, officials=ids)
    overrides = {
        override.official_id: override
        for override in EligibilityOverride.objects.filter(initiative=initiative, official__in=ids).select_related(
            "decided_by"
        )
    }
    recognitions = {
        recognition.official_id: recognition
        for recognition in Recognition.objects.filter(
            initiative=initiative, kind=RecognitionKind.PERSON, official__in=ids
        )
    }
    rows = []
    for official in people:
        tally = tallies.get(official.pk, AttendanceTally())
        rows.append(
            PersonEligibility(
                official=official,
                tally=tally,
                by_rule=meets_rule(initiative, tally),
                reasons=reasons_not_met(initiative, tally),
                override=overrides.get(official.pk),
                recognition=recognitions.get(official.pk),
            )
        )
    return rows


def eligibility_for_user(initiative, user):
    return eligibility_rows(initiative, Official.objects.for_user(user))


def eligible_governments(rows):
    """A local government is recognized when at least one of its officials is: {government: [rows]}."""
    governments = {}
    for row in rows:
        if row.eligible:
            governments.setdefault(row.official.local_government, []).append(row)
    return governments
