"""Imports of local governments and officials: preview, confirm all or nothing, bad inputs, scope."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from authorities import imports, spreadsheets
from authorities.models import LocalGovernment, Official, PendingMappingImport
from authorities.services import ImportRefused, import_mapping
from authorities.spreadsheets import Table
from tests import factories as f
from tests import zipbombs

pytestmark = pytest.mark.django_db

OFFICIAL_HEADER = ["Nombre", "Apellido", "Correo electrónico", "Cargo", "Gobierno local", "País"]
ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


@pytest.fixture
def world():
    w = {
        "ar": f.make_government("AR", name="Rosario", region="Santa Fe"),
        "br": f.make_government("BR", name="São Paulo", region="SP"),
    }
    w["official_ar"] = f.make_official(
        w["ar"], email="Maria.Gomez@example.org", first_name="María", last_name="Gómez", position="Directora"
    )
    w["official_br"] = f.make_official(w["br"], email="joao@example.org", first_name="João", last_name="Silva")
    w["users"] = {
        "anonymous": None,
        "official_a": f.make_official_user(w["ar"]).user,
        "official_b": f.make_official_user(w["br"]).user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": f.make_regional_staff(),
    }
    return w


def csv_file(rows, *, delimiter=",", encoding="utf-8", name="lista.csv"):
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    return io.BytesIO(text.encode(encoding)), name


def xlsx_file(rows, name="lista.xlsx"):
    workbook = Workbook()
    for cells in rows:
        workbook.active.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return io.BytesIO(buffer.getvalue()), name


def upload(client, model, file):
    content, name = file
    content.name = name
    return client.post(
        reverse(f"admin:authorities_{model}_import"), {"import_file": content}, HTTP_ACCEPT_LANGUAGE="en"
    )


def confirm(client, model, response):
    token = response.context["confirm_form"].initial["token"]
    return client.post(
        reverse(f"admin:authorities_{model}_import_confirm"), {"token": token}, HTTP_ACCEPT_LANGUAGE="en"
    )


def snapshot():
    return (
        sorted(LocalGovernment.objects.values_list("country", "region", "name", "kind", "has_local_mgi")),
        sorted(Official.objects.values_list("email", "first_name", "last_name", "position", "local_government")),
    )


def issues(response):
    return [str(issue) for issue in response.context["plan"].issues]


def file_error(response):
    return response.context["form"].errors["import_file"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["localgovernment", "official"])
def test_import_page_by_role(client, world, model, role):
    if world["users"][role]:
        client.force_login(world["users"][role])
    response = client.get(reverse(f"admin:authorities_{model}_import"))
    assert response.status_code == (200 if role in ("country_x", "country_y", "regional") else 302)
    confirm_url = reverse(f"admin:authorities_{model}_import_confirm")
    assert client.post(confirm_url, {"token": "x"}).status_code == (
        200 if role in ("country_x", "country_y", "regional") else 302
    )


def test_import_officials_preview_then_confirm(client, world):
    client.force_login(world["users"]["country_x"])
    before = snapshot()
    response = upload(
        client,
        "official",
        csv_file(
            [
                OFFICIAL_HEADER,
                # the same e-mail in other capitals: matched, and only the position changes
                ["María", "Gómez", "maria.gomez@EXAMPLE.org", "Intendenta", "Rosario", "AR"],
                ["Lucía", "Fernández", "lucia@example.org", "Secretaria", "rosario", "Argentina"],
                ["María", "Gómez", "maria.gomez2@example.org", "Directora", "ROSARIO", "ar"],
            ]
        ),
    )
    assert response.status_code == 200
    assert response.context["counts"] == {"new": 2, "updated": 1, "unchanged": 0, "invalid": 0}
    assert snapshot() == before  # nothing stored by the preview
    done = confirm(client, "official", response)
    assert done.status_code == 302
    emails = sorted(Official.objects.filter(local_government=world["ar"]).values_list("email", flat=True))
    assert "lucia@example.org" in emails and "maria.gomez2@example.org" in emails
    assert "Maria.Gomez@example.org" in emails  # updated, not duplicated, and its stored address kept
    assert Official.objects.get(email__iexact="maria.gomez@example.org").position == "Intendenta"


def test_import_officials_unchanged_rows(client, world):
    client.force_login(world["users"]["regional"])
    response = upload(
        client,
        "official",
        csv_file(
            [
                OFFICIAL_HEADER,
                ["María", "Gómez", "MARIA.GOMEZ@example.org", "Directora", "Rosario", "AR"],
            ]
        ),
    )
    assert response.context["counts"] == {"new": 0, "updated": 0, "unchanged": 1, "invalid": 0}


def test_import_officials_invalid_email_message(client, world):
    client.force_login(world["users"]["country_x"])
    before = snapshot()
    response = upload(
        client,
        "official",
        csv_file(
            [
                OFFICIAL_HEADER,
                ["Lucía", "Fernández", "lucia@example.org", "", "Rosario", "AR"],
                ["Juan", "Pérez", "juan.perez@", "", "Rosario", "AR"],
            ]
        ),
    )
    assert issues(response) == ["row 3, Correo electrónico: 'juan.perez@' is not an e-mail address"]
    assert response.context["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "invalid": 1}
    assert response.context["confirm_form"] is None
    assert snapshot() == before


def test_import_officials_same_email_twice_names_both_rows(client, world):
    client.force_login(world["users"]["regional"])
    before = snapshot()
    response = upload(
        client,
        "official",
        csv_file(
            [
                OFFICIAL_HEADER,
                ["Ana", "Ruiz", "ana@example.org", "", "Rosario", "AR"],
                ["Eva", "Díaz", "eva@example.org", "", "Rosario", "AR"],
                ["Ana", "Ruiz", "ANA@example.org", "", "Rosario", "AR"],
            ]
        ),
    )
    message = "'%s' is also on row %s; each appears only once in a file. Keep one of rows 2 and 4."
    assert issues(response) == [
        "row 2, Correo electrónico: " + message % ("ana@example.org", 4),
        "row 4, Correo electrónico: " + message % ("ANA@example.org", 2),
    ]
    assert response.context["counts"]["invalid"] == 2
    assert snapshot() == before


def test_import_country_office_row_of_another_country_is_an_error(client, world):
    client.force_login(world["users"]["country_x"])
    before = snapshot()
    response = upload(
        client,
        "official",
        csv_file(
            [
                OFFICIAL_HEADER,
                ["Lucía", "Fernández", "lucia@example.org", "", "Rosario", "AR"],
                ["Pedro", "Souza", "pedro@example.org", "", "São Paulo", "Brasil"],
            ]
        ),
    )
    assert issues(response) == [
        "row 3, País: Brazil is not a country of your office (Argentina); only rows of your country can be "
        "imported. Remove the row or ask the regional office."
    ]
    assert response.context["confirm_form"] is None
    assert snapshot() == before


def test_import_country_office_cannot_take_over_another_countrys_official(client, world):
    client.force_login(world["users"]["country_x"])
    before = snapshot()
    response = upload(
        client,
        "official",
        csv_file(
            [
                OFFICIAL_HEADER,
                ["João", "Silva", "JOAO@example.org", "", "Rosario", "AR"],
            ]
        ),
    )
    # Nothing says the address is known, nor anything of the official it belongs to.
    assert issues(response) == [
        "row 2, Correo electrónico: your office cannot import this row; ask the regional office to import it"
    ]
    page = response.content.decode()
    assert "joao@example.org" not in page
    assert "São Paulo" not in page
    assert "another country" not in page
    assert snapshot() == before


def test_import_country_office_local_governments_of_another_country(client, world):
    client.force_login(world["users"]["country_y"])
    before = snapshot()
    response = upload(client, "localgovernment", csv_file([["Nome", "País"], ["Rosario", "Argentina"]]))
    assert issues(response) == [
        "row 2, País: Argentina is not a country of your office (Brazil); only rows of your country can be "
        "imported. Remove the row or ask the regional office."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("header", "country", "encoding", "delimiter"),
    [
        (["Nombre", "Apellido", "Correo", "Gobierno local", "País"], "Argentina", "utf-8-sig", ";"),
        (["Nome", "Sobrenome", "E-mail", "Governo local", "País"], "Argentina", "utf-8", ","),
        (["First name", "Last name", "E-mail", "Local government", "Country"], "ARGENTINA", "cp1252", ";"),
        (["first_name", "last_name", "email", "local_government", "country"], "ar", "latin-1", ","),
        (["NOMBRE", "APELLIDOS", "E-MAIL", "MUNICIPIO", "PAIS"], "ARG", "cp1252", ","),
    ],
)
def test_import_officials_accepts_languages_encodings_and_separators(
    client, world, header, country, encoding, delimiter
):
    client.force_login(world["users"]["regional"])
    response = upload(
        client,
        "official",
        csv_file(
            [header, ["Ramón", "Núñez", "ramon@example.org", "Rosario", country]],
            encoding=encoding,
            delimiter=delimiter,
        ),
    )
    assert response.context["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "invalid": 0}
    confirm(client, "official", response)
    assert Official.objects.get(email="ramon@example.org").last_name == "Núñez"


@pytest.mark.parametrize("country", ["BR", "Brasil", "Brazil", "brasil", "BRA"])
def test_import_country_by_code_or_name_in_three_languages(client, world, country):
    client.force_login(world["users"]["regional"])
    response = upload(client, "localgovernment", csv_file([["Name", "Country"], ["Campinas", country]]))
    assert response.context["counts"]["new"] == 1
    confirm(client, "localgovernment", response)
    assert LocalGovernment.objects.get(name="Campinas").country.code == "BR"


def test_import_local_governments_xlsx_with_criteria(client, world):
    client.force_login(world["users"]["country_x"])
    response = upload(
        client,
        "localgovernment",
        xlsx_file(
            [
                ["Nombre", "País", "Región", "Tipo", "MGI local", "Mercociudades", "Latitud", "Longitud"],
                ["rosario", "AR", "santa fe", "Municipio", "sí", "x", -32.94682, -60.63932],
                ["Córdoba", "Argentina", "Córdoba", "Municipality", "no", "", None, None],
            ]
        ),
    )
    assert response.context["counts"] == {"new": 1, "updated": 1, "unchanged": 0, "invalid": 0}
    confirm(client, "localgovernment", response)
    rosario = LocalGovernment.objects.get(pk=world["ar"].pk)
    assert (rosario.name, rosario.has_local_mgi, rosario.mercociudades_member) == ("rosario", True, True)
    assert str(rosario.latitude) == "-32.94682"
    assert LocalGovernment.objects.filter(country="AR").count() == 2


def test_import_local_governments_cell_errors(client, world):
    client.force_login(world["users"]["regional"])
    before = snapshot()
    response = upload(
        client,
        "localgovernment",
        csv_file(
            [
                ["Nombre", "País", "Tipo", "MGI local", "Latitud", "Longitud"],
                ["Mendoza", "Narnia", "municipio", "sí", "", ""],
                ["Salta", "AR", "aldea", "quizás", "95", "10"],
                ["", "AR", "", "", "abc", ""],
            ]
        ),
    )
    assert issues(response) == [
        "row 2, País: 'Narnia' is not a country; write its ISO code (for example AR) or its name in Spanish, "
        "Portuguese or English",
        "row 3, Tipo: 'aldea' is not one of: Municipality, Metropolitan area, Province, department or state, Other",
        "row 3, MGI local: 'quizás' is not yes or no; write sí/sim/yes or no/não",
        "row 3, Latitud: 95 is outside -90 to 90",
        "row 4, Nombre: is empty; fill it in",
        "row 4, Latitud: 'abc' is not a number such as -34.60372",
    ]
    assert snapshot() == before


def _big_rows(count):
    return [OFFICIAL_HEADER] + [["Ana", "Ruiz", f"ana{i}@example.org", "", "Rosario", "AR"] for i in range(count)]


def _xxe_xlsx(part="xl/worksheets/sheet1.xml", root=b"<worksheet", padding=b""):
    content, name = xlsx_file([OFFICIAL_HEADER, ["Ana", "Ruiz", "ana@example.org", "", "Rosario", "AR"]])
    source = zipfile.ZipFile(content)
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                data = data.replace(
                    root, padding + b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + root, 1
                )
            target.writestr(item, data)
    return io.BytesIO(target_buffer.getvalue()), name


BAD_INPUTS = {
    "too_large": (
        lambda: (io.BytesIO(b"a" * (5 * 1024 * 1024 + 10)), "grande.csv"),
        "The file is 5.0 MB; the limit is 5 MB. Split it into smaller files.",
    ),
    "too_many_rows": (
        lambda: csv_file(_big_rows(10_001)),
        "The file has more than 10,000 rows. Split it into files of at most 10,000 rows.",
    ),
    "fake_xlsx": (
        lambda: (io.BytesIO(b"Nombre;Correo\nAna;ana@example.org\n"), "lista.xlsx"),
        "The file is not a real Excel workbook (.xlsx), even if its name says so. Open it in Excel and "
        "save it "
        "as 'Excel Workbook (.xlsx)' or as CSV.",
    ),
    "zip_not_xlsx": (
        lambda: (_zip_with_text(), "lista.xlsx"),
        "The file is not a real Excel workbook (.xlsx), even if its name says so. Open it in Excel and "
        "save it "
        "as 'Excel Workbook (.xlsx)' or as CSV.",
    ),
    "external_entities": (
        _xxe_xlsx,
        "The workbook contains XML entity declarations (a DTD), which can be used to read files of the "
        "server, "
        "and was refused. Copy the data into a new workbook and save it again.",
    ),
    "external_entities_after_padding": (
        lambda: _xxe_xlsx("xl/workbook.xml", b"<workbook", b"<!--" + b"x" * 100_000 + b"-->"),
        "The workbook contains XML entity declarations (a DTD), which can be used to read files of the "
        "server, and was refused. Copy the data into a new workbook and save it again.",
    ),
    "too_many_rows_xlsx": (
        lambda: xlsx_file(_big_rows(10_001)),
        "The file has more than 10,000 rows. Split it into files of at most 10,000 rows.",
    ),
    "empty_xlsx": (lambda: xlsx_file([]), "The file is empty: there is nothing to import."),
    "zip_bomb": (
        lambda: (io.BytesIO(zipbombs.bomb(unpacked=1024**3, with_crc=False)), "lista.xlsx"),
        "The workbook was refused without being opened: its part xl/worksheets/sheet1.xml unpacks to 1,010 times "
        "its compressed size, and a spreadsheet's data compresses about 20 times. Open it in Excel and save it "
        "again as 'Excel Workbook (.xlsx)', or save it as CSV.",
    ),
    "zip_bomb_lying_size": (
        lambda: (io.BytesIO(zipbombs.bomb(unpacked=64 * 1024**2, declared=1024**2, with_crc=False)), "lista.xlsx"),
        "The workbook was refused: its part xl/worksheets/sheet1.xml holds more, or other, data than the archive "
        "declares for it, as in a damaged file or one built to exhaust the server. Open it in Excel and save it "
        "again, or save it as CSV.",
    ),
    "empty": (lambda: (io.BytesIO(b""), "lista.csv"), "The submitted file is empty."),
    "only_blank_lines": (
        lambda: (io.BytesIO(b"\xef\xbb\xbf\r\n\r\n"), "lista.csv"),
        "The file is empty: there is nothing to import.",
    ),
    "header_only": (lambda: csv_file([OFFICIAL_HEADER]), "The file has column names but no rows to import."),
    "no_expected_columns": (
        lambda: csv_file([["Producto", "Precio"], ["Yerba", "3"]]),
        "None of the expected columns was found. The first row must name the columns, for example: first "
        "name, "
        "last name, e-mail, position, kind of role, language, gender, local government, country, region.",
    ),
    "missing_required_columns": (
        lambda: csv_file([["Nombre", "Apellido"], ["Ana", "Ruiz"]]),
        "Columns missing: e-mail, local government, country. Add them to the first row and upload the file again.",
    ),
    "binary_csv": (
        lambda: (io.BytesIO(b"Nombre,Correo\x00\x01\x02\n"), "lista.csv"),
        "The file is not a text CSV file. Save the sheet as CSV (UTF-8) or as an Excel workbook (.xlsx).",
    ),
    "other_type": (
        lambda: (io.BytesIO(b"\xd0\xcf\x11\xe0 old excel"), "lista.xls"),
        "Files of this type cannot be imported. Save the sheet as CSV or as an Excel workbook (.xlsx).",
    ),
}


def _zip_with_text():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hola.txt", "no soy una planilla")
    return io.BytesIO(buffer.getvalue())


@pytest.mark.parametrize("bad", sorted(BAD_INPUTS))
def test_import_refuses_bad_input_with_a_clear_message(client, world, bad):
    make, message = BAD_INPUTS[bad]
    client.force_login(world["users"]["regional"])
    before = snapshot()
    response = upload(client, "official", make())
    assert response.status_code == 200
    assert file_error(response) == [message]
    assert "plan" not in response.context
    assert snapshot() == before


def test_import_confirm_rechecks_and_stores_nothing_when_a_row_became_invalid(client, world):
    client.force_login(world["users"]["country_x"])
    f.make_government("AR", name="Córdoba", region="Córdoba")
    response = upload(
        client,
        "official",
        csv_file(
            [
                OFFICIAL_HEADER,
                ["Lucía", "Fernández", "lucia@example.org", "", "Rosario", "AR"],
                ["Pablo", "Sosa", "pablo@example.org", "", "Córdoba", "AR"],
            ]
        ),
    )
    assert response.context["counts"]["new"] == 2
    f.make_government("AR", name="Córdoba", region="Veracruz")  # since the preview: which Córdoba is it?
    before = snapshot()
    again = confirm(client, "official", response)
    assert again.status_code == 200
    assert issues(again) == [
        "row 3, Gobierno local: several local governments of Argentina are called 'Córdoba'; add a region column to "
        "say which"
    ]
    assert snapshot() == before


def test_import_confirm_token_works_once_and_only_in_its_session(client, world):
    client.force_login(world["users"]["country_x"])
    response = upload(
        client,
        "official",
        csv_file([OFFICIAL_HEADER, ["Ana", "Ruiz", "ana@example.org", "", "Rosario", "AR"]]),
    )
    token = response.context["confirm_form"].initial["token"]
    url = reverse("admin:authorities_official_import_confirm")
    from django.test import Client

    other = Client()
    other.force_login(world["users"]["country_x"])
    refused = other.post(url, {"token": token}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.context["page_errors"] == [
        "This import has expired or was already confirmed. Upload the file again."
    ]
    assert not Official.objects.filter(email="ana@example.org").exists()
    assert client.post(url, {"token": token}, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    assert client.post(url, {"token": token}, HTTP_ACCEPT_LANGUAGE="en").context["page_errors"] == [
        "This import has expired or was already confirmed. Upload the file again."
    ]
    assert Official.objects.filter(email="ana@example.org").count() == 1


def test_import_mapping_writes_nothing_when_the_database_refuses_a_row(world):
    user = f.make_regional_staff()
    table = Table(headers=["name", "country"], rows=[(2, ["Nueva", "AR"]), (3, ["Otra", "AR"])])
    plan = imports.plan_import(kind="local_governments", table=table, user=user)
    plan.rows[1].values["latitude"] = 500  # past the checks, as if a bug let it through: the database refuses it
    plan.columns.append("latitude")
    plan.rows[0].values["latitude"] = None
    plan.rows[1].values["longitude"] = 1
    plan.columns.append("longitude")
    plan.rows[0].values["longitude"] = None
    before = snapshot()
    with pytest.raises(ImportRefused):
        import_mapping(plan=plan)
    assert snapshot() == before


def test_import_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world["users"]["country_x"])
    confirm(client, "official", upload(client, "official", csv_file(_big_rows(2))))  # warm the session
    with CaptureQueriesContext(connection) as few:
        small = upload(client, "official", csv_file(_big_rows(3)))
    with CaptureQueriesContext(connection) as few_confirm:
        confirm(client, "official", small)  # two unchanged, one new
    with CaptureQueriesContext(connection) as many:
        big = upload(client, "official", csv_file(_big_rows(300)))
    with CaptureQueriesContext(connection) as many_confirm:
        confirm(client, "official", big)  # three unchanged, 297 new
    assert big.context["counts"] == {"new": 297, "updated": 0, "unchanged": 3, "invalid": 0}
    assert Official.objects.filter(email__startswith="ana").count() == 300
    assert len(many) == len(few)
    assert len(many_confirm) == len(few_confirm)


def test_neutralise_each_dangerous_start():
    assert [spreadsheets.neutralise(v) for v in ["=A", "+A", "-A", "@A", "\tA", "\rA", "A=", 5]] == [
        "'=A",
        "'+A",
        "'-A",
        "'@A",
        "'\tA",
        "'\rA",
        "A=",
        5,
    ]


def test_import_empty_optional_cells_keep_what_is_stored(client, world):
    official = world["official_ar"]
    official.role_kind, official.gender = "mayor", "female"
    official.save()
    client.force_login(world["users"]["regional"])
    response = upload(
        client,
        "official",
        csv_file(
            [
                [
                    "Nombre",
                    "Apellido",
                    "Correo",
                    "Cargo",
                    "Tipo de cargo",
                    "Género",
                    "Gobierno local",
                    "País",
                ],
                ["María", "Gómez", "maria.gomez@example.org", "Intendenta", "", "", "Rosario", "AR"],
                ["Eva", "Paz", "eva@example.org", "", "", "", "Rosario", "AR"],
                ["Rosa", "Luz", "rosa@example.org", "", "Concejala", "F", "Rosario", "AR"],
            ]
        ),
    )
    assert response.context["counts"] == {"new": 2, "updated": 1, "unchanged": 0, "invalid": 0}
    confirm(client, "official", response)
    stored = {
        o.email: (o.position, o.role_kind, o.gender) for o in Official.objects.filter(local_government=world["ar"])
    }
    assert stored["Maria.Gomez@example.org"] == ("Intendenta", "mayor", "female")
    assert stored["eva@example.org"] == ("", "other", "")
    assert stored["rosa@example.org"] == ("", "council", "female")


def test_import_reads_back_an_exported_file(client, world):
    """An export of local governments imported again matches the same governments, formula guard included."""
    world["ar"].name = "=Rosario Norte"
    world["ar"].latitude, world["ar"].longitude = "-32.94682", "-60.63932"
    world["ar"].has_local_mgi = True
    world["ar"].save()
    client.force_login(world["users"]["country_x"])
    exported = client.post(
        reverse("admin:authorities_localgovernment_export"),
        {"format": "0", "resource": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "'=Rosario Norte" in exported.content.decode("utf-8-sig")
    response = upload(client, "localgovernment", (io.BytesIO(exported.content), "export.csv"))
    assert response.context["counts"] == {"new": 0, "updated": 0, "unchanged": 1, "invalid": 0}


def test_import_a_new_preview_replaces_the_pending_one(client, world):
    client.force_login(world["users"]["country_x"])
    rows = [OFFICIAL_HEADER, ["Ana", "Ruiz", "ana@example.org", "", "Rosario", "AR"]]
    first = upload(client, "official", csv_file(rows))
    second = upload(client, "official", csv_file(rows))
    assert PendingMappingImport.objects.count() == 1
    assert confirm(client, "official", first).context["page_errors"] == [
        "This import has expired or was already confirmed. Upload the file again."
    ]
    assert confirm(client, "official", second).status_code == 302
    assert Official.objects.filter(email="ana@example.org").count() == 1


def test_import_preview_kept_in_the_database_not_on_disk(client, world):
    """Any web process can take the confirmation: the upload is in the database, the session holds nothing of it."""
    client.force_login(world["users"]["country_x"])
    rows = [OFFICIAL_HEADER, ["Ana", "Ruiz", "ana@example.org", "", "Rosario", "AR"]]
    content, name = csv_file(rows)
    data = content.getvalue()
    response = upload(client, "official", (io.BytesIO(data), name))
    pending = PendingMappingImport.objects.get()
    assert (pending.kind, pending.file_name, bytes(pending.content), pending.uploaded_by) == (
        "officials",
        name,
        data,
        world["users"]["country_x"],
    )
    assert pending.token == response.context["confirm_form"].initial["token"]
    assert list(client.session.keys()) == ["_auth_user_id", "_auth_user_backend", "_auth_user_hash"]
    assert confirm(client, "official", response).status_code == 302
    assert PendingMappingImport.objects.count() == 0
