"""Every URL this feature adds, against every role: anonymous, an official of government A and of B, the
country office of A's country (X) and of B's (Y), and regional staff.

Officials and anonymous visitors are sent to the admin login (302). Country office staff may see a session's
roster (their own country's officials only, without controls); the eligibility page is the certificates'
(tests/certificates/test_permissions.py). They may not record attendance, import reports or send
invitations (403; the action is not offered)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.models import Official
from tests import factories as f
from tests.workshops.reportfiles import at, zoom_report
from workshops.attendance import upload_attendance_report
from workshops.invitations import send_event_invitations
from workshops.models import Attendance, AttendanceImport, EventInvitation

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
    w = attendance_world
    send_event_invitations(event=w["event"], officials=[w["a"], w["b"]], by=w["regional"])
    login(client, w, role)
    response = client.get(reverse("admin:workshops_eventinvitation_changelist"))
    assert sorted(i.official_id for i in response.context["cl"].result_list) == sorted(w[s].pk for s in visible)


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_new_changelists_cost_the_same_for_few_and_many_rows(client, attendance_world, mailoutbox):
    w = attendance_world
    client.force_login(w["regional"])
    data = zoom_report([("María José Pérez Gutiérrez", "", at(0), at(100), False)])
    upload_attendance_report(session=w["session"], file_name="p.csv", data=data, by=w["regional"])
    send_event_invitations(event=w["event"], officials=[w["a"]], by=w["regional"])
    invitations = reverse("admin:workshops_eventinvitation_changelist")
    imports = reverse("admin:workshops_attendanceimport_changelist")
    client.get(invitations)
    few = (_changelist_queries(client, invitations), _changelist_queries(client, imports))
    government = f.make_government("AR")
    many_officials = Official.objects.bulk_create(
        Official(first_name=f"N{i}", last_name="Ruiz", email=f"n{i}@example.org", local_government=government)
        for i in range(60)
    )
    send_event_invitations(event=w["event"], officials=many_officials, by=w["regional"])
    for _ in range(59):
        upload_attendance_report(session=w["session"], file_name="p.csv", data=data, by=w["regional"])
    client.get(invitations)  # the country filter's countries are read again after a change (alp_portal/admin_reads.py)
    many = (_changelist_queries(client, invitations), _changelist_queries(client, imports))
    assert [rows for _, rows in few] == [1, 1]
    assert [rows for _, rows in many] == [50, 50]
    assert [queries for queries, _ in many] == [queries for queries, _ in few]
