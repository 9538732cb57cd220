import pytest
from django.core.exceptions import PermissionDenied

from authorities.models import Official
from certificates.eligibility import (
    AttendanceTally,
    eligibility_for_user,
    eligibility_rows,
    eligible_governments,
    officials_meeting_rule,
    reasons_not_met,
)
from certificates.services import CertificateError, set_eligibility_override
from tests import factories as f
from tests.certificates.helpers import cohort, qualify
from workshops.enums import AttendanceStatus

pytestmark = pytest.mark.django_db


def rows_by_name(initiative):
    return {row.official.first_name: row for row in eligibility_rows(initiative, Official.objects.all())}


def test_eligibility_full_attendance_is_eligible():
    initiative, launch, sessions = cohort()
    qualify(f.make_official(first_name="Ana"), launch, sessions, initiative)
    row = rows_by_name(initiative)["Ana"]
    assert (row.eligible, row.by_rule, row.reasons, row.overridden) == (True, True, [], False)


@pytest.mark.usefixtures("english")
def test_eligibility_without_launch_says_so():
    initiative, _launch, sessions = cohort()
    ana = f.make_official(first_name="Ana")
    f.invite(ana, initiative)
    for session in sessions:
        f.attend(ana, session)
    row = rows_by_name(initiative)["Ana"]
    assert (row.eligible, row.reasons) == (False, ["no attendance at the launch"])


@pytest.mark.usefixtures("english")
def test_eligibility_one_of_two_workshop_sessions_says_so():
    initiative, launch, sessions = cohort(min_workshop_sessions=2)
    ana = f.make_official(first_name="Ana")
    f.invite(ana, initiative)
    f.attend(ana, launch)
    f.attend(ana, sessions[0])
    f.attend(ana, sessions[1], status=AttendanceStatus.ABSENT)
    assert rows_by_name(initiative)["Ana"].reasons == ["1 of 2 workshop sessions"]


@pytest.mark.usefixtures("english")
def test_eligibility_invited_but_absent_lists_both_reasons():
    initiative, _launch, _sessions = cohort()
    f.invite(f.make_official(first_name="Ana"), initiative)
    assert rows_by_name(initiative)["Ana"].reasons == [
        "no attendance at the launch",
        "0 of 2 workshop sessions",
    ]


@pytest.mark.usefixtures("english")
def test_eligibility_minutes_below_threshold_do_not_count():
    initiative, launch, sessions = cohort(attendance_threshold_percent=75)
    ana = f.make_official(first_name="Ana")
    f.invite(ana, initiative)
    f.attend(ana, launch, minutes=68)  # 75 % of 90 minutes is 67.5
    f.attend(ana, sessions[0], minutes=90)  # exactly 75 % of 120
    f.attend(ana, sessions[1], minutes=89)
    row = rows_by_name(initiative)["Ana"]
    assert (row.tally.launch, row.tally.workshop, row.tally.workshop_too_short) == (1, 1, 1)
    assert row.reasons == [
        "1 of 2 workshop sessions",
        "1 workshop session attended for less than 75% of its length",
    ]


@pytest.mark.usefixtures("english")
def test_eligibility_short_launch_says_so():
    initiative, launch, sessions = cohort(attendance_threshold_percent=75)
    ana = qualify(f.make_official(first_name="Ana"), launch, [], initiative)
    ana.attendances.filter(session=launch).update(seconds=30 * 60)
    for session in sessions:
        f.attend(ana, session)
    assert rows_by_name(initiative)["Ana"].reasons == ["attended the launch for less than 75% of its length"]


def test_eligibility_launch_not_required():
    initiative, _launch, sessions = cohort(require_launch=False, min_workshop_sessions=1)
    ana = f.make_official(first_name="Ana")
    f.invite(ana, initiative)
    f.attend(ana, sessions[1])
    assert rows_by_name(initiative)["Ana"].eligible is True


def test_eligibility_matches_officials_meeting_rule():
    initiative, launch, sessions = cohort()
    ok = qualify(f.make_official(first_name="Ana"), launch, sessions, initiative)
    short = qualify(f.make_official(first_name="Bea"), launch, sessions, initiative)
    short.attendances.filter(session=sessions[0]).update(seconds=10 * 60)
    f.invite(f.make_official(first_name="Carla"), initiative)
    by_rule = sorted(row.official.pk for row in eligibility_rows(initiative, Official.objects.all()) if row.by_rule)
    assert by_rule == [ok.pk]
    assert list(officials_meeting_rule(initiative).values_list("pk", flat=True)) == [ok.pk]


def test_eligibility_override_shows_as_such_and_wins():
    initiative, launch, sessions = cohort()
    regional = f.make_regional_staff()
    ana = f.make_official(first_name="Ana")
    f.invite(ana, initiative)
    bea = qualify(f.make_official(first_name="Bea"), launch, sessions, initiative)
    set_eligibility_override(
        initiative=initiative, official=ana, eligible=True, reason="Asistió por teléfono", by=regional
    )
    set_eligibility_override(initiative=initiative, official=bea, eligible=False, reason="Duplicada", by=regional)
    rows = rows_by_name(initiative)
    assert (rows["Ana"].eligible, rows["Ana"].by_rule, rows["Ana"].overridden) == (True, False, True)
    assert (rows["Ana"].override.reason, rows["Ana"].override.decided_by) == (
        "Asistió por teléfono",
        regional,
    )
    assert (rows["Bea"].eligible, rows["Bea"].by_rule) == (False, True)


def test_eligibility_override_removed_returns_to_rule():
    initiative, _launch, _sessions = cohort()
    regional = f.make_regional_staff()
    ana = f.make_official(first_name="Ana")
    f.invite(ana, initiative)
    set_eligibility_override(initiative=initiative, official=ana, eligible=True, reason="Motivo", by=regional)
    set_eligibility_override(initiative=initiative, official=ana, eligible=None, reason="", by=regional)
    assert rows_by_name(initiative)["Ana"].overridden is False


def test_eligibility_override_needs_reason_and_regional_staff():
    initiative, _launch, _sessions = cohort()
    ana = f.make_official(first_name="Ana")
    with pytest.raises(CertificateError):
        set_eligibility_override(
            initiative=initiative, official=ana, eligible=True, reason=" ", by=f.make_regional_staff()
        )
    with pytest.raises(PermissionDenied):
        set_eligibility_override(
            initiative=initiative, official=ana, eligible=True, reason="x", by=f.make_country_staff()
        )


def test_eligibility_government_recognized_when_one_official_is():
    initiative, launch, sessions = cohort()
    rosario = f.make_government("AR", name="Rosario")
    cordoba = f.make_government("AR", name="Córdoba")
    ana = qualify(f.make_official(rosario, first_name="Ana"), launch, sessions, initiative)
    f.invite(f.make_official(rosario, first_name="Bea"), initiative)
    f.invite(f.make_official(cordoba, first_name="Carla"), initiative)
    governments = eligible_governments(eligibility_rows(initiative, Official.objects.all()))
    assert [(g.name, [row.official for row in people]) for g, people in governments.items()] == [("Rosario", [ana])]


def test_eligibility_for_country_staff_shows_only_their_country():
    initiative, launch, sessions = cohort()
    qualify(f.make_official(f.make_government("AR"), first_name="Ana"), launch, sessions, initiative)
    qualify(f.make_official(f.make_government("BR"), first_name="João"), launch, sessions, initiative)
    rows = eligibility_for_user(initiative, f.make_country_staff("BR"))
    assert [row.official.first_name for row in rows] == ["João"]


@pytest.mark.usefixtures("english")
def test_eligibility_reasons_for_three_required_sessions():
    initiative = f.make_initiative(min_workshop_sessions=3)
    assert reasons_not_met(initiative, AttendanceTally(launch=1, workshop=2)) == ["2 of 3 workshop sessions"]
