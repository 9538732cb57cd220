"""Exports of the mapping, attendance and participant list: scope, format, headers, log and query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from authorities.enums import ExportKind
from authorities.models import ExportLog
from tests import factories as f
from workshops.enums import EventKind

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"
EXPORT_URLS = {
    ExportKind.LOCAL_GOVERNMENTS: "admin:authorities_localgovernment_export",
    ExportKind.OFFICIALS: "admin:authorities_official_export",
    ExportKind.INVITATIONS: "admin:authorities_invitation_export",
    ExportKind.ATTENDANCE: "admin:workshops_attendance_export",
}
ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


@pytest.fixture
def world():
    initiative = f.make_initiative()
    launch = f.make_session(f.make_event(initiative, EventKind.LAUNCH, title="Lanzamiento"), title="Apertura")
    w = {"initiative": initiative, "launch": launch}
    for side, country in (("a", "AR"), ("b", "BR")):
        government = f.make_government(country, name=f"Ciudad {side.upper()}", region=f"Región {side}")
        official = f.make_official_user(government, email=f"official-{side}@example.org", last_name=f"López {side}")
        f.invite(official, initiative)
        f.attend(official, launch, minutes=90)
        w[side] = {"government": government, "official": official}
    w["users"] = {
        "anonymous": None,
        "official_a": w["a"]["official"].user,
        "official_b": w["b"]["official"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": f.make_regional_staff(),
    }
    return w


def read_csv(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def export(client, kind, data=None, query="", **headers):
    return client.post(reverse(EXPORT_URLS[kind]) + query, {"format": CSV, "resource": "0", **(data or {})}, **headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", sorted(EXPORT_URLS))
def test_export_page_by_role(client, world, kind, role):
    if world["users"][role]:
        client.force_login(world["users"][role])
    response = client.get(reverse(EXPORT_URLS[kind]))
    assert response.status_code == (200 if role in ("country_x", "country_y", "regional") else 302)


@pytest.mark.parametrize("kind", sorted(EXPORT_URLS))
def test_export_country_office_gets_only_its_country(client, world, kind):
    client.force_login(world["users"]["country_x"])
    rows = read_csv(export(client, kind))
    text = repr(rows)
    assert len(rows) == 2  # the header and the row of Argentina
    assert "Argentina" in text
    assert "Brasil" not in text and "Brazil" not in text and "Ciudad B" not in text


@pytest.mark.parametrize(
    ("data", "query"),
    [
        ({"country": "BR"}, ""),
        ({}, "?country=BR"),
        ({}, "?country__exact=BR"),
        ({}, "?local_government__country=BR"),
        ({}, "?official__local_government__country=BR"),
        ({}, "?q=Ciudad+B"),
        ({"export_items": ["1", "2", "3", "4"]}, ""),
    ],
)
@pytest.mark.parametrize("kind", sorted(EXPORT_URLS))
def test_export_country_office_cannot_widen_with_parameters(client, world, kind, data, query):
    client.force_login(world["users"]["country_x"])
    response = export(client, kind, data, query)
    if response.status_code == 200 and response.get("Content-Disposition"):
        rows = read_csv(response)
        assert "Ciudad B" not in repr(rows)
        assert all("Ciudad A" in repr(row) or "Argentina" in repr(row) for row in rows[1:])
    else:
        assert response.status_code in (200, 400, 403)  # the form again, a bad filter, or another country
    assert not ExportLog.objects.filter(country="BR").exists()


@pytest.mark.parametrize("kind", sorted(EXPORT_URLS))
def test_export_regional_staff_all_or_one_country(client, world, kind):
    client.force_login(world["users"]["regional"])
    assert len(read_csv(export(client, kind))) == 3
    rows = read_csv(export(client, kind, {"country": "BR"}))
    assert len(rows) == 2
    assert "Ciudad B" in repr(rows) and "Ciudad A" not in repr(rows)


def test_export_is_logged_with_kind_country_and_rows(client, world):
    client.force_login(world["users"]["regional"])
    export(client, ExportKind.OFFICIALS, {"country": "AR"})
    client.force_login(world["users"]["country_y"])
    client.post(reverse(EXPORT_URLS[ExportKind.INVITATIONS]), {"format": XLSX, "resource": "0"})
    logged = list(ExportLog.objects.order_by("pk").values_list("user", "kind", "country", "rows", "file_format"))
    assert logged == [
        (world["users"]["regional"].pk, "officials", "AR", 1, "csv"),
        (world["users"]["country_y"].pk, "invitations", "BR", 1, "xlsx"),
    ]


@pytest.mark.parametrize(
    ("language", "first_header"), [("es", "nombre"), ("pt-br", "primeiro nome"), ("en", "first name")]
)
def test_export_headers_follow_the_users_language(client, world, language, first_header):
    # "first name" is in Django's own catalogues; the portal's catalogues are generated later.
    client.force_login(world["users"]["regional"])
    response = client.post(
        reverse(EXPORT_URLS[ExportKind.OFFICIALS]),
        {"format": CSV, "resource": "0"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert read_csv(response)[0][0] == first_header


def test_export_dates_are_iso(client, world):
    client.force_login(world["users"]["regional"])
    rows = read_csv(export(client, ExportKind.INVITATIONS, {"country": "AR"}, HTTP_ACCEPT_LANGUAGE="es"))
    sent_at = rows[1][rows[0].index("enviada el")]  # Spanish headers; the dates stay ISO whatever the language
    assert sent_at[4] == "-" and sent_at[7] == "-" and sent_at[10] == "T"


def test_export_criteria_of_local_governments(client, world):
    government = world["a"]["government"]
    government.has_local_mgi = True
    government.save()
    client.force_login(world["users"]["regional"])
    rows = read_csv(export(client, ExportKind.LOCAL_GOVERNMENTS, {"country": "AR"}, HTTP_ACCEPT_LANGUAGE="es"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["IGM local"] == "sí"
    assert record["miembro de MERCOCIUDADES"] == "no"
    assert record["código ISO"] == "AR"


DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", DANGEROUS)
@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_export_neutralises_formulas(client, world, value, file_format):
    official = world["a"]["official"]
    official.position = value
    official.save()
    client.force_login(world["users"]["country_x"])
    response = client.post(reverse(EXPORT_URLS[ExportKind.OFFICIALS]), {"format": file_format, "resource": "0"})
    if file_format == CSV:
        assert read_csv(response)[1][2] == "'" + value
    else:  # the carriage return is stored as a character reference, so it survives XML's line-end rules
        assert read_xlsx(response)[1][2] == "'" + value


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_export_leaves_harmless_text_alone(client, world, file_format):
    official = world["a"]["official"]
    official.position = "Secretaria de Derechos Humanos = 1"
    official.save()
    client.force_login(world["users"]["country_x"])
    response = client.post(reverse(EXPORT_URLS[ExportKind.OFFICIALS]), {"format": file_format, "resource": "0"})
    rows = read_csv(response) if file_format == CSV else read_xlsx(response)
    assert rows[1][2] == "Secretaria de Derechos Humanos = 1"


def _grow(world, count):
    for _i in range(count):
        official = f.make_official(f.make_government("AR"))
        f.invite(official, world["initiative"])
        f.attend(official, world["launch"], minutes=30)


@pytest.mark.parametrize("kind", sorted(EXPORT_URLS))
@pytest.mark.parametrize("role", ["country_x", "regional"])
def test_export_query_count_does_not_grow_with_rows(client, world, kind, role):
    client.force_login(world["users"][role])
    export(client, kind)  # warm the user's role caches of the session
    with CaptureQueriesContext(connection) as few:
        assert export(client, kind).status_code == 200
    _grow(world, 30)
    with CaptureQueriesContext(connection) as many:
        response = export(client, kind)
    assert len(read_csv(response)) > 30
    assert len(many) == len(few)


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_export_negative_coordinates_stay_numbers(client, world, file_format):
    government = world["a"]["government"]
    government.latitude, government.longitude = "-32.94682", "-60.63932"
    government.save()
    client.force_login(world["users"]["country_x"])
    response = client.post(reverse(EXPORT_URLS[ExportKind.LOCAL_GOVERNMENTS]), {"format": file_format, "resource": "0"})
    rows = read_csv(response) if file_format == CSV else read_xlsx(response)
    latitude = rows[0].index("latitud") if "latitud" in rows[0] else 5
    if file_format == CSV:
        assert rows[1][latitude : latitude + 2] == ["-32.94682", "-60.63932"]
    else:
        assert rows[1][latitude : latitude + 2] == [-32.94682, -60.63932]


def test_export_selected_rows_only_within_scope(client, world):
    client.force_login(world["users"]["country_x"])
    own, other = world["a"]["official"].pk, world["b"]["official"].pk
    rows = read_csv(export(client, ExportKind.OFFICIALS, {"export_items": [str(own), str(other)]}))
    assert [row[4] for row in rows[1:]] == ["official-a@example.org"]
    refused = export(client, ExportKind.OFFICIALS, {"export_items": ["1 OR 1=1"]})
    assert "export_items" in refused.context["form"].errors
    assert not refused.get("Content-Disposition")


@pytest.mark.django_db
def test_export_labels_are_resolved_once_per_language_and_match_the_models_own():
    """Issue 14, item 4: the choice, yes/no and country labels of an export come from per-language tables
    (not gettext per cell), and say exactly what get_FOO_display and the country's name say, in each language
    one after the other."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from authorities.resources import OfficialResource

    official = f.make_official_user(f.make_government("BR", name="Recife"), role_kind="mayor", language="pt-br")
    staff = get_user_model().objects.create_superuser("exp", "exp@iom.example", "x")
    for language in ("es", "en", "pt-br", "es"):
        with translation.override(language):
            dataset = OfficialResource(user=staff).export()
            row = dict(zip(dataset.headers, dataset[0], strict=True))
            expected = {
                official.get_role_kind_display(),
                official.get_language_display(),
                official.local_government.country.name,
                translation.gettext("yes"),
            }
        assert expected <= set(row.values()), (language, row)
