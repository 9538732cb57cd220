"""Every URL this feature adds, against every role: anonymous, an official of government A and of B, the
country office of A's country (X) and of B's (Y), and regional staff.

Officials and anonymous visitors are sent to the admin login (302). Country office staff may see a session's
roster (their own country's officials only, without controls) and the eligibility preview of their country;
they may not record attendance, import reports or send invitations (403; the action is not offered)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workshops.reportfiles import at, zoom_report
from workshops.models import Attendance, AttendanceImport, EventInvitation
from workshops.services import upload_attendance_report

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]
LOGIN = 302


@pytest.fixture
def pending_import(attendance_world):
    w = attendance_world
    data = zoom_report([("María José Pérez Gutiérrez", "", at(0), at(100), False)])
    return upload_attendance_report(session=w["session"], file_name="p.csv", data=data, by=w["regional"])


def urls(w, imp):
    session = w["session"].pk
    return {
        "roster": reverse("admin:workshops_session_roster", args=[session]),
        "import": reverse("admin:workshops_session_import", args=[session]),
        "preview": reverse("admin:workshops_session_import_preview", args=[session, imp.pk]),
        "eligibility": reverse("admin:workshops_attendance_eligibility"),
        "eventinvitations": reverse("admin:workshops_eventinvitation_changelist"),
        "imports": reverse("admin:workshops_attendanceimport_changelist"),
        "import_detail": reverse("admin:workshops_attendanceimport_change", args=[imp.pk]),
        "session": reverse("admin:workshops_session_change", args=[session]),
    }


GET_EXPECTED = {
    #                 anonymous, official_a, official_b, country_x, country_y, regional
    "roster": [LOGIN, LOGIN, LOGIN, 200, 200, 200],
    "import": [LOGIN, LOGIN, LOGIN, 403, 403, 200],
    "preview": [LOGIN, LOGIN, LOGIN, 403, 403, 200],
    "eligibility": [LOGIN, LOGIN, LOGIN, 200, 200, 200],
    "eventinvitations": [LOGIN, LOGIN, LOGIN, 200, 200, 200],
    "imports": [LOGIN, LOGIN, LOGIN, 403, 403, 200],
    "import_detail": [LOGIN, LOGIN, LOGIN, 403, 403, 200],
    "session": [LOGIN, LOGIN, LOGIN, 200, 200, 200],
}


def login(client, w, role):
    user = w["users"][role]
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(GET_EXPECTED))
def test_attendance_get_by_role(client, attendance_world, pending_import, name, role):
    w = attendance_world
    login(client, w, role)
    response = client.get(urls(w, pending_import)[name])
    assert response.status_code == GET_EXPECTED[name][ROLES.index(role)]
    if response.status_code == LOGIN:
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(("role", "visible"), [("country_x", "a"), ("country_y", "b"), ("regional", "ab")])
def test_roster_shows_only_officials_in_scope(client, attendance_world, pending_import, role, visible):
    w = attendance_world
    login(client, w, role)
    response = client.get(urls(w, pending_import)["roster"])
    assert sorted(row.pk for row in response.context["rows"]) == sorted(w[side].pk for side in visible)


@pytest.mark.parametrize(("role", "status"), list(zip(ROLES, [LOGIN, LOGIN, LOGIN, 403, 403, 302], strict=True)))
def test_roster_post_by_role(client, attendance_world, pending_import, role, status):
    w = attendance_world
    login(client, w, role)
    response = client.post(urls(w, pending_import)["roster"], {f"status-{w['a'].pk}": "present"})
    assert response.status_code == status
    assert Attendance.objects.count() == (1 if role == "regional" else 0)


@pytest.mark.parametrize(("role", "status"), list(zip(ROLES, [LOGIN, LOGIN, LOGIN, 403, 403, 302], strict=True)))
def test_import_upload_by_role(client, attendance_world, pending_import, role, status):
    w = attendance_world
    login(client, w, role)
    data = zoom_report([("João Gonçalves", "", at(0), at(100), False)])
    response = client.post(urls(w, pending_import)["import"], {"report": SimpleUploadedFile("z.csv", data)})
    assert response.status_code == status
    assert AttendanceImport.objects.count() == (2 if role == "regional" else 1)


@pytest.mark.parametrize(("role", "status"), list(zip(ROLES, [LOGIN, LOGIN, LOGIN, 403, 403, 302], strict=True)))
def test_import_confirm_by_role(client, attendance_world, pending_import, role, status):
    w = attendance_world
    login(client, w, role)
    response = client.post(urls(w, pending_import)["preview"], {"confirm": "1"})
    assert response.status_code == status
    assert Attendance.objects.count() == (1 if role == "regional" else 0)


@pytest.mark.parametrize(("role", "sent"), list(zip(ROLES, [0, 0, 0, 0, 0, 1], strict=True)))
def test_send_invitations_action_by_role(client, attendance_world, mailoutbox, role, sent):
    w = attendance_world
    login(client, w, role)
    client.post(
        reverse("admin:workshops_event_changelist"),
        {"action": "send_invitations", "_selected_action": [w["event"].pk], "apply": "1", "officials": [w["a"].pk]},
    )
    assert len(mailoutbox) == sent
    assert EventInvitation.objects.count() == sent


@pytest.mark.parametrize(("role", "visible"), [("country_x", "a"), ("country_y", "b"), ("regional", "ab")])
def test_event_invitation_list_shows_only_scope(client, attendance_world, role, visible, mailoutbox):
    from workshops.services import send_event_invitations

    w = attendance_world
    send_event_invitations(event=w["event"], officials=[w["a"], w["b"]], by=w["regional"])
    login(client, w, role)
    response = client.get(reverse("admin:workshops_eventinvitation_changelist"))
    assert sorted(i.official_id for i in response.context["cl"].result_list) == sorted(w[s].pk for s in visible)
