"""The official's eligibility preview (certificates.eligibility): the certification rule per official, in the
official's admin page, on the one staff eligibility page and as the fragment the official's home shows."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.models import Official
from certificates.eligibility import eligibility_of, eligibility_rows
from certificates.models import EligibilityOverride
from tests import factories as f
from workshops.enums import AttendanceStatus, EventKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def cohort(attendance_world):
    w = attendance_world
    w["initiative"].min_workshop_sessions = 2
    w["initiative"].save()
    workshop = f.make_event(w["initiative"], EventKind.WORKSHOP)
    w["workshop_sessions"] = [f.make_session(workshop, minutes=120) for _ in range(3)]
    return w


def test_eligibility_preview_of_official_who_meets_the_rule(cohort):
    w = cohort
    f.attend(w["a"], w["session"], minutes=100)
    f.attend(w["a"], w["workshop_sessions"][0], minutes=95)
    f.attend(w["a"], w["workshop_sessions"][1], minutes=110)
    f.attend(w["a"], w["workshop_sessions"][2], status=AttendanceStatus.ABSENT, minutes=20)
    preview = eligibility_of(w["a"], w["initiative"])
    assert (preview.took_part_in_launch, preview.workshop_sessions, preview.workshop_minutes) == (True, 2, 205)
    assert preview.eligible is True
    assert preview.missing == []


def test_eligibility_preview_says_what_is_missing(cohort):
    w = cohort
    f.attend(w["b"], w["session"], status=AttendanceStatus.ABSENT, minutes=30)
    f.attend(w["b"], w["workshop_sessions"][0], minutes=95)
    preview = eligibility_of(w["b"], w["initiative"])
    assert (preview.took_part_in_launch, preview.workshop_sessions, preview.workshop_minutes) == (False, 1, 95)
    assert preview.eligible is False
    assert preview.missing == ["Take part in the launch.", "Take part in 1 more workshop session."]


def test_eligibility_preview_without_launch_requirement(cohort):
    w = cohort
    w["initiative"].require_launch = False
    w["initiative"].save()
    for session in w["workshop_sessions"][:2]:
        f.attend(w["b"], session, minutes=100)
    assert eligibility_of(w["b"], w["initiative"]).eligible is True


def test_eligibility_preview_counts_only_this_initiative(cohort):
    w = cohort
    other = f.make_initiative()
    other_launch = f.make_session(f.make_event(other, EventKind.LAUNCH))
    f.attend(w["a"], other_launch, minutes=100)
    assert eligibility_of(w["a"], w["initiative"]).took_part_in_launch is False


def test_eligibility_preview_costs_two_queries_and_follows_staffs_override(cohort, django_assert_num_queries):
    """The official's preview (home, their admin page) reads the tallies and the override, not the recognition
    nor who decided: it shows neither (issue 14, item 2)."""
    w = cohort
    f.attend(w["a"], w["session"], minutes=100)
    EligibilityOverride.objects.create(
        initiative=w["initiative"],
        official=w["a"],
        eligible=True,
        reason="Attended in person",
        decided_by=w["regional"],
    )
    f.make_recognition(w["initiative"], official=w["a"])
    with django_assert_num_queries(2) as queries:
        preview = eligibility_of(w["a"], w["initiative"])
    # The tallies sum attendances: no ordering, so no join of the officials to sort them.
    assert not [query["sql"] for query in queries.captured_queries if "ORDER BY" in query["sql"]]
    assert (preview.by_rule, preview.eligible, preview.overridden, preview.missing) == (False, True, True, [])
    with django_assert_num_queries(2):
        assert eligibility_of(w["b"], w["initiative"]).overridden is False
    # The lists read the recognition too.
    (row,) = [row for row in eligibility_rows(w["initiative"], Official.objects.all()) if row.official == w["a"]]
    assert row.recognition is not None and row.override.decided_by == w["regional"]


def test_eligibility_rows_cost_four_queries_for_many(cohort):
    w = cohort
    government = f.make_government("AR")
    many = Official.objects.bulk_create(
        Official(first_name=f"P{i}", last_name="Ruiz", email=f"pp{i}@example.org", local_government=government)
        for i in range(50)
    )
    for official in many:
        f.invite(official, w["initiative"])
    for official in many[:5]:
        f.attend(official, w["session"], minutes=100)
    with CaptureQueriesContext(connection) as queries:
        previews = eligibility_rows(w["initiative"], Official.objects.filter(local_government=government))
        launch = sum(1 for p in previews if p.took_part_in_launch)
    # the candidates, their tallies, overrides and recognitions
    assert (len(previews), launch, len(queries)) == (50, 5, 4)


def test_eligibility_fragment_renders_for_the_official(cohort):
    w = cohort
    f.attend(w["a"], w["session"], minutes=100)
    f.attend(w["a"], w["workshop_sessions"][0], minutes=95)
    html = render_to_string("includes/eligibility_preview.html", {"official": w["a"], "initiative": w["initiative"]})
    assert "You took part in the launch." in html
    assert "You took part in 1 workshop session (95 minutes); 2 required." in html
    assert "Take part in 1 more workshop session." in html


def test_eligibility_fragment_renders_nothing_without_official(cohort):
    html = render_to_string("includes/eligibility_preview.html", {"official": None, "initiative": cohort["initiative"]})
    assert html.strip() == ""


def test_eligibility_admin_page_lists_scope_of_country_staff(client, cohort):
    w = cohort
    f.attend(w["a"], w["session"], minutes=100)
    client.force_login(w["users"]["country_x"])
    response = client.get(reverse("admin:certificates_recognition_eligibility", args=[w["initiative"].pk]))
    assert response.status_code == 200
    assert [(p.official, p.took_part_in_launch) for p in response.context["rows"]] == [(w["a"], True)]


def test_eligibility_admin_page_for_one_official(client, cohort):
    w = cohort
    client.force_login(w["regional"])
    response = client.get(
        reverse("admin:certificates_recognition_eligibility", args=[w["initiative"].pk]), {"official": w["b"].pk}
    )
    assert [p.official for p in response.context["rows"]] == [w["b"]]
    assert [p.missing for p in response.context["rows"]] == [
        ["Take part in the launch.", "Take part in 2 more workshop sessions."]
    ]
    assert "Not eligible: no attendance at the launch; 0 of 2 workshop sessions" in response.content.decode()


def test_official_change_page_shows_eligibility_per_initiative(client, cohort):
    w = cohort
    f.attend(w["a"], w["session"], minutes=100)
    client.force_login(w["users"]["country_x"])
    response = client.get(reverse("admin:authorities_official_change", args=[w["a"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Eligibility preview" in content
    assert "Take part in 2 more workshop sessions." in content


def test_eligibility_preview_agrees_with_certificates_when_present_too_briefly(attendance_world):
    """A row marked present by hand with minutes under the threshold does not count, here as in certificates."""
    w = attendance_world
    official = w["a"]
    f.attend(official, w["session"], minutes=30)  # 30 of 120 minutes: under 75 %
    preview = eligibility_of(official, w["initiative"])
    (row,) = eligibility_rows(w["initiative"], Official.objects.filter(pk=official.pk))
    assert (preview.took_part_in_launch, row.eligible) == (False, False)


def test_the_kept_preview_is_the_rule_on_what_the_official_did_until_it_changes(cohort, django_assert_num_queries):
    """The home's preview (`kept=True`) reads nothing the second time, and after each change of what the rule
    reads (attendance saved or recorded in bulk, a session's length, an initiative's threshold, the staff's
    decision) it is again what the rows say."""
    from datetime import timedelta

    from workshops.attendance import record_attendance
    from workshops.models import Attendance

    w = cohort
    official, initiative = w["a"], w["initiative"]

    def agrees():
        fresh = eligibility_of(official, initiative)
        kept = eligibility_of(official, initiative, kept=True)
        assert (kept.tally, kept.eligible, kept.overridden, kept.missing, kept.reasons) == (
            fresh.tally,
            fresh.eligible,
            fresh.overridden,
            fresh.missing,
            fresh.reasons,
        )
        with django_assert_num_queries(0):
            again = eligibility_of(official, initiative, kept=True)
        assert again.tally == fresh.tally and again.eligible == fresh.eligible
        return fresh

    assert agrees().workshop_sessions == 0
    first, second, _third = w["workshop_sessions"]
    f.attend(official, first, minutes=100)
    assert agrees().workshop_sessions == 1
    record_attendance(session=second, statuses={official.pk: AttendanceStatus.PRESENT}, by=w["regional"])  # bulk
    assert agrees().workshop_sessions == 2
    Attendance.objects.filter(official=official, session=first).update(seconds=80 * 60)  # not announced
    assert eligibility_of(official, initiative, kept=True).workshop_minutes == 100  # as kept
    first.ends_at = first.starts_at + timedelta(minutes=400)  # 80 of 400 minutes: too short now
    first.save()
    assert agrees().workshop_sessions == 1
    initiative.attendance_threshold_percent = 10
    initiative.save()
    assert agrees().workshop_sessions == 2
    override = EligibilityOverride.objects.create(
        initiative=initiative, official=official, eligible=False, reason="Left early", decided_by=w["regional"]
    )
    assert agrees().overridden is True
    override.delete()
    assert agrees().overridden is False
    assert eligibility_of(w["b"], initiative, kept=True).workshop_sessions == 0  # each official their own


def test_the_home_shows_the_kept_preview(client, cohort):
    w = cohort
    w["initiative"].stage = "workshop"
    w["initiative"].save()
    client.force_login(w["a"].user)
    assert "Take part in the launch." in client.get(reverse("home")).text
    f.attend(w["a"], w["session"], minutes=100)
    page = client.get(reverse("home")).text
    assert "Take part in the launch." not in page and "Take part in 2 more workshop sessions." in page
