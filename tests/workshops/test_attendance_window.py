"""Only time within the session counts: a participant report's times are cut to the session's schedule when
they read on the organisers' clock, and left as they are (with a warning) when they do not."""

import re

import pytest
from django.urls import reverse

from certificates.eligibility import seconds_count
from tests.workshops.reportfiles import at, meet_report, zoom_report
from workshops.attendance import confirm_attendance_import, upload_attendance_report
from workshops.enums import AttendanceStatus
from workshops.models import Attendance

pytestmark = pytest.mark.django_db
# attendance_world: a two-hour session at 10:00 in Buenos Aires, the organisers' time zone; threshold 75 %
# (90 minutes); at(m) is 10:00 + m minutes on that day.


def import_and_confirm(w, data, name="participants.csv"):
    report = upload_attendance_report(session=w["session"], file_name=name, data=data, by=w["regional"])
    confirm_attendance_import(attendance_import=report, decisions={}, by=w["regional"])
    return report


# What a stored attendance is worth under the rule: the import stores the fact (seconds, the official
# present); whether it counts is certificates.eligibility's verdict.
COUNTS, TOO_SHORT = "counts", "too short"


def attendance_of(official):
    row = Attendance.objects.select_related("session__event__initiative").get(official=official)
    assert row.status == AttendanceStatus.PRESENT
    return (COUNTS if seconds_count(row.seconds, row.session) else TOO_SHORT), row.minutes


def verdicts(page):
    """The import preview's "counts toward the recognition" cells, in order."""
    return re.findall(r'<td class="alp-verdict">([^<]*)</td>', page)


def test_joining_early_or_staying_late_adds_nothing(attendance_world):
    w = attendance_world
    data = zoom_report(
        [
            ("María José Pérez Gutiérrez", "", at(-20), at(80), False),  # 100 minutes in the report, 80 in session
            ("João da Silva Gonçalves", "", at(35), at(160), False),  # 125 in the report, 85 in session
            ("Invitada", "", at(0), at(120), True),
        ]
    )
    import_and_confirm(w, data)
    assert attendance_of(w["a"]) == (TOO_SHORT, 80)
    assert attendance_of(w["b"]) == (TOO_SHORT, 85)


def test_time_within_the_session_still_counts_to_the_second(attendance_world):
    w = attendance_world
    data = zoom_report(
        [
            ("María José Pérez Gutiérrez", "", at(-30), at(90), False),  # 90:00 within: present
            ("João da Silva Gonçalves", "", at(30, 1), at(150), False),  # 89:59 within: absent
        ]
    )
    import_and_confirm(w, data)
    assert attendance_of(w["a"]) == (COUNTS, 90)
    assert attendance_of(w["b"]) == (TOO_SHORT, 89)
    assert sorted(Attendance.objects.values_list("seconds", flat=True)) == [89 * 60 + 59, 90 * 60]


def test_report_with_times_only_is_cut_on_the_sessions_day(attendance_world):
    w = attendance_world
    data = zoom_report(
        [
            ("María José Pérez Gutiérrez", "", at(-15), at(95), False),  # 110 in the report, 95 in session
            ("João da Silva Gonçalves", "", at(0), at(80), False),
        ]
    )
    data = data.replace(b"10/18/2023 ", b"")  # a report with the times of day only
    import_and_confirm(w, data)
    assert attendance_of(w["a"]) == (COUNTS, 95)
    assert attendance_of(w["b"]) == (TOO_SHORT, 80)


def test_durations_without_times_count_up_to_the_sessions_length(attendance_world):
    # Google Meet gives each person's summed duration only: it cannot be cut, but nobody attends more than all.
    w = attendance_world
    data = meet_report([("María José", "Pérez Gutiérrez", "mjperez@rosario.gob.ar", 150, at(-15), at(135))])
    import_and_confirm(w, data, name="meet.csv")
    assert attendance_of(w["a"]) == (COUNTS, 120)


def test_report_on_another_clock_is_not_cut_and_the_preview_says_so(client, attendance_world):
    # The meeting tool's account in UTC: every time reads three hours later than the organisers' clock.
    w = attendance_world
    late = 180
    data = zoom_report(
        [
            ("María José Pérez Gutiérrez", "", at(late - 5), at(late + 95), False),
            ("João da Silva Gonçalves", "", at(late), at(late + 60), False),
        ]
    )
    report = upload_attendance_report(session=w["session"], file_name="utc.csv", data=data, by=w["regional"])
    client.force_login(w["regional"])
    page = client.get(
        reverse("admin:workshops_session_import_preview", args=[w["session"].pk, report.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "The times in this report do not match the session's schedule (10 a.m. to noon" in page
    confirm_attendance_import(attendance_import=report, decisions={}, by=w["regional"])
    assert attendance_of(w["a"]) == (COUNTS, 100)  # as reported: nothing was cut
    assert attendance_of(w["b"]) == (TOO_SHORT, 60)


def test_preview_of_a_report_on_the_organisers_clock_says_what_counts(client, attendance_world):
    w = attendance_world
    data = zoom_report([("María José Pérez Gutiérrez", "", at(-20), at(100), False)])
    report = upload_attendance_report(session=w["session"], file_name="p.csv", data=data, by=w["regional"])
    client.force_login(w["regional"])
    response = client.get(
        reverse("admin:workshops_session_import_preview", args=[w["session"].pk, report.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "Only time within the session's schedule counts (10 a.m. to noon" in page
    [row] = response.context["matched"]
    assert (row["minutes"], row["total_seconds"] // 60, verdicts(page)) == (120, 100, ["yes"])


def test_report_of_another_day_is_not_cut_to_nothing(attendance_world):
    # The session was held a day late (or the report is of another day): the preview warns about the day;
    # the time is counted as reported rather than cut to zero.
    w = attendance_world
    data = zoom_report([("María José Pérez Gutiérrez", "", at(24 * 60), at(24 * 60 + 100), False)])
    import_and_confirm(w, data)
    assert attendance_of(w["a"]) == (COUNTS, 100)  # as reported, not cut to zero


def test_session_past_midnight_with_times_only(attendance_world):
    # A session from 23:30 to 01:30 and a report with times of day only: 00:10 is after midnight, not 23
    # hours before the start.
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    w = attendance_world
    session = w["session"]
    zone = ZoneInfo("America/Argentina/Buenos_Aires")
    session.starts_at = datetime(2023, 10, 18, 23, 30, tzinfo=zone)
    session.ends_at = datetime(2023, 10, 19, 1, 30, tzinfo=zone)
    session.save()
    night = datetime(2023, 10, 18, 23, 30)
    data = zoom_report(
        [
            ("María José Pérez Gutiérrez", "", night - timedelta(minutes=10), night + timedelta(minutes=100), False),
            ("João da Silva Gonçalves", "", night + timedelta(minutes=40), night + timedelta(minutes=80), False),
        ]
    )
    import_and_confirm(w, data.replace(b"10/18/2023 ", b"").replace(b"10/19/2023 ", b""))
    assert attendance_of(w["a"]) == (COUNTS, 100)  # 23:30 to 01:10; ten early minutes cut
    assert attendance_of(w["b"]) == (TOO_SHORT, 40)  # 00:10 to 00:50


def _move_session(w, start, end):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Argentina/Buenos_Aires")
    w["session"].starts_at, w["session"].ends_at = start.replace(tzinfo=zone), end.replace(tzinfo=zone)
    w["session"].save()


def test_times_only_early_joiner_the_evening_before_a_session_after_midnight(attendance_world):
    from datetime import datetime

    w = attendance_world
    _move_session(w, datetime(2023, 10, 19, 0, 15), datetime(2023, 10, 19, 2, 15))
    data = zoom_report(
        [
            ("María José Pérez Gutiérrez", "", datetime(2023, 10, 18, 23, 58), datetime(2023, 10, 19, 2, 0), False),
            ("João da Silva Gonçalves", "", datetime(2023, 10, 19, 0, 20), datetime(2023, 10, 19, 2, 10), False),
        ]
    )
    import_and_confirm(w, data.replace(b"10/18/2023 ", b"").replace(b"10/19/2023 ", b""))
    assert attendance_of(w["a"]) == (COUNTS, 105)  # 00:15 to 02:00
    assert attendance_of(w["b"]) == (COUNTS, 110)


def test_times_only_report_far_from_the_session_never_gives_negative_minutes(attendance_world):
    # A morning report uploaded to an evening session: nothing lines up; the time counts as reported.
    from datetime import datetime

    w = attendance_world
    _move_session(w, datetime(2023, 10, 18, 20, 0), datetime(2023, 10, 18, 22, 0))
    data = zoom_report(
        [("María José Pérez Gutiérrez", "", datetime(2023, 10, 18, 7, 45), datetime(2023, 10, 18, 9, 0), False)]
    )
    import_and_confirm(w, data.replace(b"10/18/2023 ", b""))
    assert attendance_of(w["a"]) == (TOO_SHORT, 75)
