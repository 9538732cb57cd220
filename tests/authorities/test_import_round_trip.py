"""What the portal exports, it imports back (issue 15, item 3): every row of an officials or governments export
comes back "unchanged" with no column called unused, a change reads in words in the user's language
("no → sí"), and a row the database refuses is named with the rule it breaks, never the constraint's name."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authorities import imports
from authorities.models import LocalGovernment, Official
from authorities.services import ImportRefused, import_mapping
from authorities.spreadsheets import Table
from tests import factories as f

pytestmark = pytest.mark.django_db

FORMATS = {"csv": "0", "xlsx": "1"}
ACCOUNT = {"es": "cuenta", "pt-br": "conta", "en": "account"}


@pytest.fixture
def mapping():
    rosario = f.make_government(
        "AR",
        name="Rosario",
        region="Santa Fe",
        kind="metropolitan",
        latitude="-32.94682",
        longitude="-60.63932",
        has_local_mgi=True,
        signed_marrakech_declaration=True,
        public_consent=False,
    )
    cordoba = f.make_government("AR", name="Córdoba", region="Córdoba")
    f.make_government("AR", name="=Rosario Norte")  # the formula guard goes out and comes back
    quito = f.make_government("EC", name="Quito", in_hub_repository=True)
    f.make_official(
        rosario,
        email="Maria.Gomez@example.org",
        first_name="María",
        last_name="Gómez",
        position="Intendenta",
        role_kind="mayor",
        gender="female",
        language="pt-br",
    )
    f.make_official_user(cordoba)  # an official with an account
    f.make_official(quito, email="luis@quito.example", first_name="Luis", last_name="Ortiz", role_kind="technical")
    return {"rosario": rosario, "cordoba": cordoba, "quito": quito}


def export(client, model, file_format, language):
    response = client.post(
        reverse(f"admin:authorities_{model}_export"),
        {"format": FORMATS[file_format], "resource": "0"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.content


def preview(client, model, content, name, language):
    response = client.post(
        reverse(f"admin:authorities_{model}_import"),
        {"import_file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", ["regional", "country_office"])
@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("model", ["localgovernment", "official"])
def test_an_export_imports_back_with_every_row_unchanged(client, mapping, model, file_format, language, role):
    user = f.make_regional_staff() if role == "regional" else f.make_country_staff("AR")
    client.force_login(user)
    content = export(client, model, file_format, language)
    response = preview(client, model, content, f"export.{file_format}", language)
    plan = response.context["plan"]
    model_class = LocalGovernment if model == "localgovernment" else Official
    visible = model_class.objects.for_user(user).count()
    assert plan.issues == []
    assert plan.counts == {"new": 0, "updated": 0, "unchanged": visible, "invalid": 0}
    assert plan.ignored_columns == []
    assert plan.portal_columns == ([ACCOUNT[language]] if model == "official" else [])
    page = response.content.decode()
    assert "Columns not used" not in page and "Columnas no utilizadas" not in page


def _edited_csv(content, edit):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    edit(rows[0], rows[1:])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_governments_changes_read_in_words_in_the_users_language(client, mapping):
    client.force_login(f.make_country_staff("AR"))

    def edit(header, rows):
        rosario = next(row for row in rows if row[0] == "Rosario")
        rosario[header.index("IGM local")] = "no"
        rosario[header.index("aparece en las listas públicas")] = "sí"
        rosario[header.index("tipo")] = "Municipio"
        rosario[header.index("latitud")] = "-33"

    content = _edited_csv(export(client, "localgovernment", "csv", "es"), edit)
    response = preview(client, "localgovernment", content, "editado.csv", "es")
    [row] = [row for row in response.context["plan"].rows if row.action == "updated"]
    assert row.changes == [
        ("tipo", "Área metropolitana", "Municipio"),
        ("IGM local", "sí", "no"),
        ("aparece en las listas públicas", "no", "sí"),
        ("latitud", "-32.94682", "-33.00000"),
    ]
    page = response.content.decode()
    assert "IGM local: sí → no" in page
    assert "aparece en las listas públicas: no → sí" in page
    token = response.context["confirm_form"].initial["token"]
    client.post(reverse("admin:authorities_localgovernment_import_confirm"), {"token": token})
    mapping["rosario"].refresh_from_db()
    assert (mapping["rosario"].has_local_mgi, mapping["rosario"].public_consent) == (False, True)
    assert mapping["rosario"].kind == "municipality"


def test_officials_changes_read_in_words_in_portuguese(client, mapping):
    client.force_login(f.make_regional_staff())

    def edit(header, rows):
        maria = next(row for row in rows if row[0] == "María")
        maria[header.index("gênero")] = "Masculino"
        maria[header.index("governo local")] = "Córdoba"
        maria[header.index("região")] = "Córdoba"
        maria[header.index("idioma")] = "Inglês"

    content = _edited_csv(export(client, "official", "csv", "pt-br"), edit)
    response = preview(client, "official", content, "editado.csv", "pt-br")
    [row] = [row for row in response.context["plan"].rows if row.action == "updated"]
    assert row.changes == [
        ("idioma", "Português (Brasil)", "Inglês"),
        ("gênero", "Feminino", "Masculino"),
        ("governo local", "Rosario", "Córdoba"),
    ]
    assert "governo local: Rosario → Córdoba" in response.content.decode()


def test_public_consent_left_empty_keeps_what_is_stored(client, mapping):
    client.force_login(f.make_country_staff("AR"))
    rows = "nombre,país,región,aparece en las listas públicas\r\nRosario,AR,Santa Fe,\r\nNueva,AR,,\r\n"
    response = preview(client, "localgovernment", rows.encode(), "consent.csv", "es")
    assert response.context["counts"] == {"new": 1, "updated": 0, "unchanged": 1, "invalid": 0}
    token = response.context["confirm_form"].initial["token"]
    client.post(reverse("admin:authorities_localgovernment_import_confirm"), {"token": token})
    assert LocalGovernment.objects.get(name="Rosario").public_consent is False
    assert LocalGovernment.objects.get(name="Nueva").public_consent is True  # the field's default


def test_the_country_and_its_iso_code_must_agree(client, mapping):
    client.force_login(f.make_regional_staff())
    rows = "nombre,país,código ISO\r\nRosario,Argentina,AR\r\nQuito,Ecuador,BR\r\nLima,,PE\r\n"
    response = preview(client, "localgovernment", rows.encode(), "paises.csv", "es")
    assert [str(issue) for issue in response.context["plan"].issues] == [
        "fila 3, código ISO: 'BR' no es Ecuador, el país de la columna 'país'; corrija una de las dos",
        "fila 4, país: está vacío; escriba el código ISO del país (AR) o su nombre",
    ]
    assert response.context["confirm_form"] is None


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_refused_official_row_is_named_with_the_rule_it_breaks(mapping, language, settings):
    settings.LANGUAGE_CODE = language
    user = f.make_regional_staff()
    table = Table(
        headers=["first name", "last name", "e-mail", "local government", "country"],
        rows=[
            (2, ["Ana", "Ruiz", "ana@example.org", "Rosario", "AR"]),
            (3, ["Eva", "Paz", "eva@example.org", "Rosario", "AR"]),
        ],
    )
    plan = imports.plan_import(kind="officials", table=table, user=user)
    assert plan.is_valid
    f.make_official(mapping["quito"], email="EVA@example.org")  # another office, after the preview
    before = sorted(Official.objects.values_list("email", flat=True))
    with pytest.raises(ImportRefused) as refused:
        import_mapping(plan=plan, by=user)
    message = str(refused.value)
    assert sorted(Official.objects.values_list("email", flat=True)) == before
    assert "official_email_unique_ci" not in message
    if language == "en":
        assert message == (
            "Nothing was imported: row 3: Another official already has this e-mail address (capitals aside): "
            "edit that official instead. Correct the row and upload the file again."
        )
    else:
        assert message.startswith("No se importó nada: fila 3: Otro funcionario ya tiene esta dirección")


def test_a_refused_government_row_is_named(mapping, settings):
    settings.LANGUAGE_CODE = "en"
    user = f.make_regional_staff()
    table = Table(headers=["name", "country", "region"], rows=[(2, ["Nueva", "AR", ""]), (3, ["Otra", "AR", "X"])])
    plan = imports.plan_import(kind="local_governments", table=table, user=user)
    f.make_government("AR", name="OTRA", region="X")  # stored by someone else since the preview
    with pytest.raises(ImportRefused) as refused:
        import_mapping(plan=plan, by=user)
    assert str(refused.value).startswith("Nothing was imported: row 3: ")
    assert "local_government_unique_name" not in str(refused.value)
    assert not LocalGovernment.objects.filter(name="Nueva").exists()
