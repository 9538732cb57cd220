"""The roster page of a session: a plain form, JSON saves for roster.js, scoping, and a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.models import Official
from certificates.eligibility import participation_figures
from tests import factories as f
from workshops.enums import AttendanceStatus
from workshops.invitations import send_event_invitations
from workshops.models import Attendance, Registration

pytestmark = pytest.mark.django_db


def roster_url(session):
    return reverse("admin:workshops_session_roster", args=[session.pk])


def test_roster_lists_invited_officials_for_regional_staff(client, attendance_world):
    w = attendance_world
    f.attend(w["a"], w["session"], status=AttendanceStatus.PRESENT, minutes=100)
    client.force_login(w["regional"])
    response = client.get(roster_url(w["session"]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert sorted((row.pk, row.attendance_status, row.attendance_seconds) for row in rows) == sorted(
        [(w["a"].pk, "present", 100 * 60), (w["b"].pk, None, None)]
    )
    assert response.context["can_edit"] is True
    content = response.content.decode()
    assert f'name="status-{w["a"].pk}" value="present" checked' in content
    assert "workshops/roster.js" in content
    assert "<script>" not in content.split("</head>")[1]  # no inline script in the page body


def test_roster_for_country_staff_shows_own_country_read_only(client, attendance_world):
    w = attendance_world
    client.force_login(w["users"]["country_x"])
    response = client.get(roster_url(w["session"]))
    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [w["a"].pk]
    assert response.context["can_edit"] is False
    content = response.content.decode()
    assert "roster.js" not in content
    assert f'name="status-{w["a"].pk}" value="present" disabled' in content
    assert "Gonçalves" not in content


def test_roster_post_without_javascript_saves_every_choice(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    response = client.post(
        roster_url(w["session"]), {f"status-{w['a'].pk}": "present", f"status-{w['b'].pk}": "excused"}
    )
    assert response.status_code == 302
    assert response["Location"] == roster_url(w["session"])
    assert sorted(Attendance.objects.values_list("official", "status", "source", "confirmed_by")) == sorted(
        [
            (w["a"].pk, "present", "manual", w["regional"].pk),
            (w["b"].pk, "excused", "manual", w["regional"].pk),
        ]
    )


def test_roster_post_asking_json_saves_one_choice(client, attendance_world):
    w = attendance_world
    f.attend(w["a"], w["session"], status=AttendanceStatus.PRESENT, minutes=100)
    client.force_login(w["regional"])
    response = client.post(
        roster_url(w["session"]), {f"status-{w['a'].pk}": "absent"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"ok": True, "changed": 1, "message": "Saved"}
    attendance = Attendance.objects.get(official=w["a"])
    assert (attendance.status, attendance.minutes, attendance.source) == ("absent", 100, "manual")


def test_roster_post_same_choice_again_changes_nothing(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    data = {f"status-{w['a'].pk}": "present"}
    client.post(roster_url(w["session"]), data, headers={"Accept": "application/json"})
    before = Attendance.objects.get().updated
    response = client.post(roster_url(w["session"]), data, headers={"Accept": "application/json"})
    assert response.json()["changed"] == 0
    assert Attendance.objects.get().updated == before


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("status-{a}", "sleeping", "Choose present, absent or excused."),
        ("status-{outsider}", "present", "An official is not on this session's roster: reload the page."),
        ("status-x", "present", "An official is not on this session's roster: reload the page."),
    ],
)
def test_roster_post_rejects_bad_input_with_a_message(client, attendance_world, field, value, error):
    w = attendance_world
    outsider = f.make_official()
    client.force_login(w["regional"])
    response = client.post(
        roster_url(w["session"]),
        {field.format(a=w["a"].pk, outsider=outsider.pk): value},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {"ok": False, "errors": [error]}
    assert Attendance.objects.count() == 0


def test_roster_post_by_country_staff_is_forbidden(client, attendance_world):
    w = attendance_world
    client.force_login(w["users"]["country_x"])
    response = client.post(roster_url(w["session"]), {f"status-{w['a'].pk}": "present"})
    assert response.status_code == 403
    assert Attendance.objects.count() == 0


def _add_invited(w, count, prefix):
    government = f.make_government("AR")
    officials = Official.objects.bulk_create(
        Official(
            first_name=f"{prefix}{i}", last_name="Ruiz", email=f"{prefix}{i}@example.org", local_government=government
        )
        for i in range(count)
    )
    for official in officials:
        f.invite(official, w["initiative"])
    return officials


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("role", ["regional", "country_x"])
def test_roster_query_count_is_the_same_for_10_and_300(client, attendance_world, role):
    w = attendance_world
    client.force_login(w["users"][role])
    url = roster_url(w["session"])
    officials = _add_invited(w, 10, "few")
    f.attend(officials[0], w["session"], minutes=95)
    client.get(url)
    few, response = _count(client, url)
    assert len(response.context["rows"]) == 10 + (2 if role == "regional" else 1)
    more = _add_invited(w, 290, "many")
    f.attend(more[0], w["session"], minutes=95)
    many, response = _count(client, url)
    assert len(response.context["rows"]) == 300 + (2 if role == "regional" else 1)
    assert many == few


def test_roster_of_unknown_session_is_404(client, attendance_world):
    client.force_login(attendance_world["regional"])
    assert client.get(reverse("admin:workshops_session_roster", args=[999999])).status_code == 404


def test_workshop_roster_lists_registered_and_sent_invitations_not_everyone_invited(
    client, attendance_world, mailoutbox
):
    w = attendance_world
    workshop = f.make_event(w["initiative"], "workshop")
    session = f.make_session(workshop)
    Registration.objects.create(official=w["a"], event=workshop, initiative=w["initiative"])
    other = f.make_official()
    f.invite(other, w["initiative"])
    send_event_invitations(event=workshop, officials=[other], by=w["regional"])
    client.force_login(w["regional"])
    response = client.get(roster_url(session))
    assert sorted(row.pk for row in response.context["rows"]) == sorted([w["a"].pk, other.pk])


def test_stage_figures_follow_the_roster(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    client.post(roster_url(w["session"]), {f"status-{w['a'].pk}": "present", f"status-{w['b'].pk}": "present"})
    figures = participation_figures(w["initiative"])["launch"]
    assert (figures.people, figures.governments, figures.countries) == (2, 2, 2)
    client.post(roster_url(w["session"]), {f"status-{w['b'].pk}": "absent"})
    figures = participation_figures(w["initiative"])["launch"]
    assert (figures.people, figures.governments, figures.countries) == (1, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("language, word", [("es", "Presente"), ("pt-br", "Presente"), ("en", "Present")])
def test_an_attendance_names_itself_with_its_status_in_the_readers_language(language, word):
    from django.utils import translation

    initiative = f.make_initiative()
    session = f.make_session(f.make_event(initiative))
    official = f.make_official(first_name="Ana", last_name="Soto")
    attendance = f.attend(official, session)
    with translation.override(language):
        for status in AttendanceStatus:
            attendance.status = status
            assert str(attendance) == f"Ana Soto · {session}: {attendance.get_status_display()}"
        assert str(attendance).endswith(f": {AttendanceStatus(attendance.status).label}")
        attendance.status = AttendanceStatus.PRESENT
        assert str(attendance).endswith(f": {word}")
        attendance.status = "unknown"  # not saved (a constraint forbids it): shown as it is, as Django shows it
        assert str(attendance) == f"Ana Soto · {session}: unknown"
        assert attendance.get_status_display() == "unknown"
