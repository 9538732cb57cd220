"""The participant list: one row per invited official, attendance per session, scoped, in a fixed number of
queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from authorities.models import ExportLog
from tests import factories as f
from workshops.enums import AttendanceStatus, EventKind, QuestionnaireKind, SubmissionStatus
from workshops.models import Automapeo, QuestionnaireResponse

pytestmark = pytest.mark.django_db

URL = "admin:certificates_participants_export"
ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


@pytest.fixture
def world():
    regional = f.make_regional_staff()
    initiative = f.make_initiative()
    other_initiative = f.make_initiative()
    launch = f.make_session(f.make_event(initiative, EventKind.LAUNCH, title="Lanzamiento"), title="Apertura")
    workshop = f.make_event(initiative, EventKind.WORKSHOP, title="Taller 1")
    first = f.make_session(workshop, title="Sesión 1", starts_at=launch.starts_at + timezone.timedelta(days=7))
    second = f.make_session(workshop, title="Sesión 2", starts_at=launch.starts_at + timezone.timedelta(days=8))
    w = {"initiative": initiative, "sessions": [launch, first, second], "regional": regional}
    for side, country in (("a", "AR"), ("b", "BR")):
        government = f.make_government(country, name=f"Ciudad {side.upper()}", region=f"Región {side}")
        official = f.make_official_user(
            government,
            email=f"official-{side}@example.org",
            first_name="Ana",
            last_name=f"Pérez {side}",
            position="Secretaria",
            role_kind="secretary",
        )
        f.invite(official, initiative)
        f.invite(official, other_initiative)
        w[side] = {"government": government, "official": official}
    official_a = w["a"]["official"]
    f.attend(official_a, launch, minutes=95)
    f.attend(official_a, first, minutes=100)
    f.attend(official_a, second, status=AttendanceStatus.ABSENT, minutes=0)
    QuestionnaireResponse.objects.create(
        official=official_a, initiative=initiative, kind=QuestionnaireKind.ENTRY, knowledge=2
    )
    Automapeo.objects.create(
        local_government=w["a"]["government"],
        initiative=initiative,
        status=SubmissionStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    w["recognition"] = f.make_recognition(
        initiative, official=official_a, holder_name="Ana Pérez a", issued_by=regional
    )
    w["users"] = {
        "anonymous": None,
        "official_a": official_a.user,
        "official_b": w["b"]["official"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": regional,
    }
    return w


def post(client, world, **data):
    return client.post(
        reverse(URL),
        {"initiative": world["initiative"].pk, "country": "", "format": "0", **data},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("role", ROLES)
def test_participants_page_by_role(client, world, role):
    if world["users"][role]:
        client.force_login(world["users"][role])
    response = client.get(reverse(URL))
    assert response.status_code == (200 if role in ("country_x", "country_y", "regional") else 302)


def test_participants_row_has_every_column(client, world):
    client.force_login(world["users"]["regional"])
    rows = read_csv(post(client, world, country="AR"))
    assert rows[0] == [
        "name",
        "position",
        "kind of role",
        "e-mail",
        "local government",
        "region",
        "country",
        "invitation status",
        f"Lanzamiento · Apertura ({world['sessions'][0].starts_at.date().isoformat()}): attendance",
        f"Lanzamiento · Apertura ({world['sessions'][0].starts_at.date().isoformat()}): minutes",
        f"Taller 1 · Sesión 1 ({world['sessions'][1].starts_at.date().isoformat()}): attendance",
        f"Taller 1 · Sesión 1 ({world['sessions'][1].starts_at.date().isoformat()}): minutes",
        f"Taller 1 · Sesión 2 ({world['sessions'][2].starts_at.date().isoformat()}): attendance",
        f"Taller 1 · Sesión 2 ({world['sessions'][2].starts_at.date().isoformat()}): minutes",
        "entry questionnaire answered",
        "exit questionnaire answered",
        "Automapeo submitted",
        "recognition status",
        "recognition code",
    ]
    assert rows[1] == [
        "Ana Pérez a",
        "Secretaria",
        "Secretary or director",
        "official-a@example.org",
        "Ciudad A",
        "Región a",
        "Argentina",
        "Sent",
        "Present",
        "95",
        "Present",
        "100",
        "Absent",
        "0",
        "yes",
        "no",
        "yes",
        "Valid",
        world["recognition"].code,
    ]
    assert len(rows) == 2


def test_participants_official_without_attendance_has_empty_cells(client, world):
    client.force_login(world["users"]["regional"])
    rows = read_csv(post(client, world, country="BR"))
    assert rows[1][8:] == ["", "", "", "", "", "", "no", "no", "no", "", ""]


@pytest.mark.parametrize(
    ("role", "data", "names"),
    [
        ("country_x", {}, ["Ana Pérez a"]),
        ("country_y", {}, ["Ana Pérez b"]),
        ("regional", {}, ["Ana Pérez a", "Ana Pérez b"]),
        ("regional", {"country": "BR"}, ["Ana Pérez b"]),
    ],
)
def test_participants_scope(client, world, role, data, names):
    client.force_login(world["users"][role])
    rows = read_csv(post(client, world, **data))
    assert [row[0] for row in rows[1:]] == names


@pytest.mark.parametrize("query", ["", "?country=BR", "?official__local_government__country=BR"])
def test_participants_country_office_cannot_ask_for_another_country(client, world, query):
    client.force_login(world["users"]["country_x"])
    response = client.post(reverse(URL) + query, {"initiative": world["initiative"].pk, "country": "BR", "format": "0"})
    assert response.status_code == 200
    assert "country" in response.context["form"].errors  # BR is not among the choices of Argentina's office
    assert not ExportLog.objects.exists()


def test_participants_xlsx_has_the_same_rows(client, world):
    client.force_login(world["users"]["regional"])
    response = post(client, world, format="1")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][9] == 95  # minutes stay numbers in XLSX


def test_participants_export_is_logged(client, world):
    client.force_login(world["users"]["country_x"])
    post(client, world)
    assert list(ExportLog.objects.values_list("kind", "country", "rows", "initiative")) == [
        ("participants", "AR", 1, world["initiative"].pk)
    ]


def test_participants_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world["users"]["regional"])
    post(client, world)
    with CaptureQueriesContext(connection) as few:
        assert len(read_csv(post(client, world))) == 3
    for _i in range(40):
        official = f.make_official(world["a"]["government"])
        f.invite(official, world["initiative"])
        for session in world["sessions"]:
            f.attend(official, session, minutes=60)
    with CaptureQueriesContext(connection) as many:
        assert len(read_csv(post(client, world))) == 43
    assert len(many) == len(few)


def test_participants_linked_from_the_initiative_with_it_chosen(client, world):
    client.force_login(world["users"]["country_x"])
    initiative = world["initiative"]
    page = client.get(reverse("admin:initiative_initiative_change", args=[initiative.pk]))
    link = f"{reverse(URL)}?initiative={initiative.pk}"
    assert link in page.content.decode()
    form = client.get(link).context["form"]
    assert form["initiative"].value() == str(initiative.pk)
