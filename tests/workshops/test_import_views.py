"""Uploading a participant report in the admin, its preview, confirming and discarding."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.models import Official
from tests import factories as f
from tests.workshops.reportfiles import at, teams_report, zoom_report
from workshops.models import Attendance, AttendanceImport
from workshops.reports import MAX_REPORT_BYTES

pytestmark = pytest.mark.django_db


def import_url(session):
    return reverse("admin:workshops_session_import", args=[session.pk])


def preview_url(imp):
    return reverse("admin:workshops_session_import_preview", args=[imp.session_id, imp.pk])


def post_file(client, session, data, name="participants.csv"):
    return client.post(import_url(session), {"report": SimpleUploadedFile(name, data, content_type="text/csv")})


def verdicts(page):
    """The preview's "counts toward the recognition" cells, in order."""
    return re.findall(r'<td class="alp-verdict">([^<]*)</td>', page)


def report_for(w):
    return zoom_report(
        [
            ("María Pérez", "", at(0), at(95), False),  # matched by name
            ("Joao Goncalves", "joao@recife.pe.gov.br", at(0), at(40), False),  # matched by e-mail, absent
            ("Invitado", "", at(0), at(120), True),  # unmatched
        ]
    )


def test_import_page_shows_form_and_threshold(client, attendance_world):
    client.force_login(attendance_world["regional"])
    response = client.get(import_url(attendance_world["session"]))
    assert response.status_code == 200
    assert response.context["threshold"] == 75
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_import_upload_leads_to_preview_with_three_groups(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    response = post_file(client, w["session"], report_for(w))
    imp = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview_url(imp)
    assert Attendance.objects.count() == 0
    preview = client.get(preview_url(imp))
    assert preview.status_code == 200
    ctx = preview.context
    page = preview.content.decode()
    assert [(r["name"], r["official"], r["minutes"]) for r in ctx["matched"]] == [
        ("María Pérez", w["a"].pk, 95),
        ("Joao Goncalves", w["b"].pk, 40),
    ]
    assert verdicts(page) == ["yes", "too short"]  # certificates.eligibility's verdict on each official's time
    assert ctx["ambiguous"] == []
    assert [(r["name"], r["minutes"], r["guest"]) for r in ctx["unmatched"]] == [("Invitado", 120, True)]
    assert "Threshold: 75% of the session, 90 minutes. With the choices below, 1 officials count as present." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        ("Nombre;Duración\nPérez;90\n".encode("latin-1"), "not in a text encoding these tools use"),
        (b"foo,bar\n1,2\n", "is not a participant report"),
    ],
    ids=["empty", "latin-1", "not-a-report"],
)
def test_import_upload_of_wrong_file_shows_what_was_expected(client, attendance_world, data, message):
    client.force_login(attendance_world["regional"])
    response = post_file(client, attendance_world["session"], data)
    assert response.status_code == 200
    [error] = response.context["form"].errors["report"]
    assert message in error
    assert "Expected" in error or "UTF-8" in error
    assert AttendanceImport.objects.count() == 0


def test_import_upload_too_large_is_refused_before_reading(client, attendance_world):
    client.force_login(attendance_world["regional"])
    response = post_file(client, attendance_world["session"], b"a" * (MAX_REPORT_BYTES + 1))
    assert response.status_code == 200
    assert response.context["form"].errors["report"] == [
        f"The file is too large ({(MAX_REPORT_BYTES + 1) // 1024} KB; at most {MAX_REPORT_BYTES // 1024} KB). "
        "Upload the report as exported."
    ]
    assert AttendanceImport.objects.count() == 0


def test_import_confirm_records_attendance_and_redirects_to_roster(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    post_file(client, w["session"], report_for(w))
    imp = AttendanceImport.objects.get()
    response = client.post(preview_url(imp), {"row-2": "dismiss", "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:workshops_session_roster", args=[w["session"].pk])
    assert sorted(Attendance.objects.values_list("official", "status", "seconds", "source", "confirmed_by")) == sorted(
        [
            (w["a"].pk, "present", 95 * 60, "zoom", w["regional"].pk),
            (w["b"].pk, "present", 40 * 60, "zoom", w["regional"].pk),
        ]
    )
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "Attendance recorded from “participants.csv”: 2 new, 0 updated, 0 unchanged."
    ]


def test_import_confirm_with_undecided_ambiguous_row_shows_errors_and_keeps_choices(client, attendance_world):
    w = attendance_world
    twin = f.make_official(first_name="María", last_name="Pérez", email="mperez@example.org")
    f.invite(twin, w["initiative"])
    client.force_login(w["regional"])
    post_file(client, w["session"], report_for(w))
    imp = AttendanceImport.objects.get()
    response = client.post(preview_url(imp), {"row-2": str(twin.pk), "confirm": "1"})
    assert response.status_code == 200
    assert response.context["errors"] == ["“María Pérez” matches several officials: choose one, or dismiss the row."]
    assert [r["choice"] for r in response.context["unmatched"]] == [str(twin.pk)]
    assert Attendance.objects.count() == 0


def test_import_discard_stores_nothing(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    post_file(client, w["session"], report_for(w))
    imp = AttendanceImport.objects.get()
    response = client.post(preview_url(imp), {"discard": "1"})
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == "discarded"
    assert Attendance.objects.count() == 0


def test_import_preview_warns_when_same_file_was_imported(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    data = report_for(w)
    post_file(client, w["session"], data)
    client.post(preview_url(AttendanceImport.objects.get()), {"confirm": "1"})
    post_file(client, w["session"], data)
    second = AttendanceImport.objects.filter(status="pending").get()
    response = client.get(preview_url(second))
    assert response.context["already"].status == "confirmed"
    assert "This same file was imported on" in response.content.decode()


def test_import_preview_of_other_session_is_404(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    post_file(client, w["session"], report_for(w))
    imp = AttendanceImport.objects.get()
    other = f.make_session(w["event"])
    url = reverse("admin:workshops_session_import_preview", args=[other.pk, imp.pk])
    assert client.get(url).status_code == 404


def test_import_teams_file_through_the_admin(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    data = teams_report([("João da Silva Gonçalves", "", at(0), at(100), "Attendee")])
    post_file(client, w["session"], data, name="Attendance report.csv")
    imp = AttendanceImport.objects.get()
    assert (imp.tool, imp.rows[0]["official"]) == ("teams", w["b"].pk)


def _report_with(w, count, prefix):
    government = f.make_government("AR")
    officials = Official.objects.bulk_create(
        Official(
            first_name=f"{prefix}{i}",
            last_name="Ruiz Díaz",
            email=f"{prefix}{i}@example.org",
            local_government=government,
        )
        for i in range(count)
    )
    for official in officials:
        f.invite(official, w["initiative"])
    rows = [(f"{o.first_name} Ruiz", "", at(0), at(100), False) for o in officials]
    rows += [(f"Invitado {i}", "", at(0), at(10), True) for i in range(3)]
    return zoom_report(rows)


def test_import_preview_query_count_is_the_same_for_10_and_300(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    post_file(client, w["session"], _report_with(w, 10, "few"))
    small = AttendanceImport.objects.get()
    client.get(preview_url(small))
    with CaptureQueriesContext(connection) as few:
        response = client.get(preview_url(small))
    assert len(response.context["matched"]) == 10
    post_file(client, w["session"], _report_with(w, 290, "many"))
    large = AttendanceImport.objects.exclude(pk=small.pk).get()
    with CaptureQueriesContext(connection) as many:
        response = client.get(preview_url(large))
    assert len(response.context["matched"]) == 290
    assert len(response.context["officials"]) == 302
    assert len(many) == len(few)


def test_import_preview_warns_when_report_is_of_another_day(client, attendance_world):
    w = attendance_world  # the session is on 18 October 2023
    client.force_login(w["regional"])
    post_file(client, w["session"], zoom_report([("María Pérez", "", at(60 * 24), at(60 * 24 + 95), False)]))
    response = client.get(preview_url(AttendanceImport.objects.get()))
    assert str(response.context["other_day"]) == "2023-10-19"
    assert "check that you chose the right session" in response.content.decode()


def test_import_preview_of_same_day_has_no_warning(client, attendance_world):
    w = attendance_world
    client.force_login(w["regional"])
    post_file(client, w["session"], report_for(w))
    response = client.get(preview_url(AttendanceImport.objects.get()))
    assert response.context["other_day"] is None


def test_session_pages_survive_a_mistyped_time_zone(client, attendance_world):
    w = attendance_world
    w["session"].time_zone = "America/Nowhere"
    w["session"].save()
    client.force_login(w["regional"])
    response = client.get(reverse("admin:workshops_session_roster", args=[w["session"].pk]))
    assert response.status_code == 200
    assert "Oct. 18, 2023, 10 a.m." in response.content.decode()  # the portal's zone, Buenos Aires


def test_import_preview_says_why_a_row_with_someone_elses_email_waits(client, attendance_world):
    w = attendance_world  # María José Pérez Gutiérrez's e-mail is mjperez@rosario.gob.ar
    w["a"].gender = "female"
    w["a"].save(update_fields=["gender"])
    client.force_login(w["regional"])
    post_file(client, w["session"], zoom_report([("María José Pérez", "majo@gmail.com", at(0), at(95), False)]))
    imp = AttendanceImport.objects.get()
    response = client.get(preview_url(imp))
    assert response.context["matched"] == []
    assert [(r["name"], r["note"]) for r in response.context["ambiguous"]] == [
        (
            "María José Pérez",
            "the name matches María José Pérez Gutiérrez (Gobierno A) but the report's e-mail majo@gmail.com is "
            "not hers",
        )
    ]
    assert (
        "The name matches María José Pérez Gutiérrez (Gobierno A) but the report&#x27;s e-mail majo@gmail.com is "
        "not hers." in response.content.decode()
    )
    response = client.post(preview_url(imp), {"confirm": "1"})
    assert response.context["errors"] == [
        "“María José Pérez”: the name matches María José Pérez Gutiérrez (Gobierno A) but the report's e-mail "
        "majo@gmail.com is not hers. Choose the official it belongs to, or dismiss the row."
    ]
    assert Attendance.objects.count() == 0
