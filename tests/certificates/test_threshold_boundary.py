"""The threshold is decided once, on seconds: at 75 % of a 90-minute launch, 4,050 s counts and 4,049 s does
not, in the import preview, the staff's eligibility pages, the official's home and issuance alike. (The
import used to store whole minutes, 67 for both, and eligibility judged them short of 67.5.)"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.enums import RecognitionKind
from certificates.models import Recognition
from certificates.services import start_issuance
from tests import factories as f
from tests.workshops.reportfiles import at, zoom_report
from workshops.enums import EventKind
from workshops.models import Attendance, AttendanceImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.cookies["django_language"] = "en"
    initiative = f.make_initiative(
        attendance_threshold_percent=75, require_launch=True, min_workshop_sessions=1, stage="certification"
    )
    zone = ZoneInfo("America/Argentina/Buenos_Aires")
    launch = f.make_session(
        f.make_event(initiative, EventKind.LAUNCH), starts_at=datetime(2023, 10, 18, 10, 0, tzinfo=zone), minutes=90
    )
    workshop = f.make_session(f.make_event(initiative, EventKind.WORKSHOP), minutes=120)
    w = {"initiative": initiative, "launch": launch, "regional": f.make_regional_staff()}
    for side, first, email in (("enough", "Ana", "ana@quilmes.gob.ar"), ("short", "Bea", "bea@moron.gob.ar")):
        official = f.make_official_user(
            f.make_government("AR", name=f"Gobierno {first}"), first_name=first, last_name="Suárez", email=email
        )
        f.invite(official, initiative)
        f.attend(official, workshop)  # present by hand: the whole session counts
        w[side] = official
    return w


def verdicts(page):
    return re.findall(r'<td class="alp-verdict">([^<]*)</td>', page)


def test_4050_seconds_count_and_4049_do_not_everywhere(client, world, django_capture_on_commit_callbacks):
    w = world
    report = zoom_report(
        [
            ("Ana Suárez", "ana@quilmes.gob.ar", at(0), at(67, 30), False),  # 4,050 s: 75 % of 5,400 s
            ("Bea Suárez", "bea@moron.gob.ar", at(0), at(67, 29), False),  # 4,049 s
        ]
    )
    client.force_login(w["regional"])
    client.post(
        reverse("admin:workshops_session_import", args=[w["launch"].pk]),
        {"report": SimpleUploadedFile("launch.csv", report, content_type="text/csv")},
    )
    imp = AttendanceImport.objects.get()
    preview_url = reverse("admin:workshops_session_import_preview", args=[w["launch"].pk, imp.pk])

    # The import preview
    page = client.get(preview_url).content.decode()
    assert verdicts(page) == ["yes", "too short"]
    assert "Threshold: 75% of the session, 67.5 minutes. With the choices below, 1 officials count as present." in page

    # The import stores the facts, to the second
    client.post(preview_url, {"confirm": "1"})
    stored = dict(Attendance.objects.filter(session=w["launch"]).values_list("official", "seconds"))
    assert stored == {w["enough"].pk: 4050, w["short"].pk: 4049}

    # The staff's eligibility page, and each official's admin page
    response = client.get(reverse("admin:certificates_recognition_eligibility", args=[w["initiative"].pk]))
    assert [(row.official, row.eligible) for row in response.context["rows"]] == [
        (w["enough"], True),
        (w["short"], False),
    ]
    assert "Not eligible: attended the launch for less than 75% of its length" in response.content.decode()
    for side, eligible in (("enough", "yes"), ("short", "no")):
        page = client.get(reverse("admin:authorities_official_change", args=[w[side].pk])).content.decode()
        cells = re.findall(r"<td>([^<]*)</td>", page.split('id="eligibility-heading"')[1])
        assert cells[:4] == (["yes", "1 / 1", "0", "yes"] if eligible == "yes" else ["no", "1 / 1", "0", "no"])

    # The official's home
    client.force_login(w["enough"].user)
    page = client.get(reverse("home")).content.decode()
    assert "You took part in the launch." in page
    assert "You meet the rule of the initiative" in page
    client.force_login(w["short"].user)
    page = client.get(reverse("home")).content.decode()
    assert "You have not taken part in the launch." in page
    assert "Take part in the launch." in page

    # Issuance
    with django_capture_on_commit_callbacks(execute=True):
        start_issuance(initiative=w["initiative"], by=w["regional"])
    people = Recognition.objects.filter(initiative=w["initiative"], kind=RecognitionKind.PERSON)
    assert list(people.values_list("official", flat=True)) == [w["enough"].pk]
    governments = Recognition.objects.filter(initiative=w["initiative"], kind=RecognitionKind.GOVERNMENT)
    assert list(governments.values_list("local_government", flat=True)) == [w["enough"].local_government_id]
