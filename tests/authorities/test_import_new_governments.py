"""One sheet in (issue 15, item 2): an officials list that names local governments the portal does not have yet
creates them in the same all-or-nothing import, shown in the preview; names that look like a mapped government
("Municipalidad de Rosario") are flagged instead of created; a country office creates only in its countries."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from alp_portal.audit import describe
from authorities import imports
from authorities.imports import look_alike_key
from authorities.models import LocalGovernment, Official
from authorities.services import ImportRefused, import_mapping
from authorities.spreadsheets import Table
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "nombre,apellido,correo electrónico,gobierno local,región,país"


@pytest.fixture
def mapped():
    return {
        "rosario": f.make_government("AR", name="Rosario", region="Santa Fe"),
        "sao_paulo": f.make_government("BR", name="São Paulo", region="SP"),
    }


def preview(client, lines, language="es"):
    content = "\r\n".join([HEADER, *lines]).encode()
    response = client.post(
        reverse("admin:authorities_official_import"),
        {"import_file": SimpleUploadedFile("autoridades.csv", content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response


def confirm(client, response):
    token = response.context["confirm_form"].initial["token"]
    return client.post(reverse("admin:authorities_official_import_confirm"), {"token": token}, follow=True)


def issues(response):
    return [str(issue) for issue in response.context["plan"].issues]


def test_officials_of_a_government_not_mapped_yet_create_it(client, mapped):
    regional = f.make_regional_staff()
    client.force_login(regional)
    response = preview(
        client,
        [
            "Carla,Ríos,carla@lima.gob.pe,Lima Metropolitana,Lima,Perú",
            "Jorge,Vera,jorge@lima.gob.pe,LIMA METROPOLITANA,Lima,PE",
            "Ana,Paz,ana@rosario.gob.ar,Rosario,Santa Fe,AR",
        ],
    )
    assert issues(response) == []
    assert response.context["counts"] == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 0}
    page = response.content.decode()
    assert "nuevo gobierno: Lima Metropolitana, Lima (Perú)" in page
    assert not LocalGovernment.objects.filter(country="PE").exists()  # a preview stores nothing

    done = confirm(client, response)
    [lima] = LocalGovernment.objects.filter(country="PE")
    assert (lima.name, lima.region, lima.public_consent) == ("Lima Metropolitana", "Lima", True)
    assert sorted(Official.objects.filter(local_government=lima).values_list("email", flat=True)) == [
        "carla@lima.gob.pe",
        "jorge@lima.gob.pe",
    ]
    assert Official.objects.get(email="carla@lima.gob.pe").time_zone == "America/Lima"
    assert Official.objects.get(email="ana@rosario.gob.ar").local_government == mapped["rosario"]
    assert "1 gobierno local creado con ellos." in [str(m) for m in done.context["messages"]]
    with translation.override("en"):
        assert [describe(entry) for entry in LogEntry.objects.order_by("pk")] == [
            "Imported local governments from autoridades.csv: 1 new, 0 updated.",
            "Imported officials from autoridades.csv: 3 new, 0 updated.",
        ]


def test_names_that_look_like_a_mapped_government_are_flagged_not_created(client, mapped):
    client.force_login(f.make_regional_staff())
    response = preview(
        client,
        [
            "Ana,Paz,ana@rosario.gob.ar,Municipalidad de Rosario,,AR",
            "Rui,Lima,rui@sp.gov.br,Prefeitura Municipal de São Paulo,,BR",
            "Eva,Luz,eva@rosario.gob.ar,ROSÁRIO,,Argentina",  # the same name, accents and capitals aside: a match
            "Leo,Sol,leo@rosario.gob.ar,Rosario,Entre Ríos,AR",  # the same name, another region
        ],
        language="en",
    )
    assert issues(response) == [
        "row 2, gobierno local: 'Municipalidad de Rosario' looks like Rosario (Santa Fe), already in the portal: "
        "write its name as it is there; if it is another local government, import it first with the local "
        "governments import",
        "row 3, gobierno local: 'Prefeitura Municipal de São Paulo' looks like São Paulo (SP), already in the "
        "portal: write its name as it is there; if it is another local government, import it first with the local "
        "governments import",
    ]
    assert [row.action for row in response.context["plan"].rows] == ["invalid", "invalid", "new", "new"]
    assert response.context["plan"].new_governments == []
    assert response.context["confirm_form"] is None
    assert LocalGovernment.objects.count() == 2


def test_two_rows_naming_one_new_government_differently_must_agree(client, mapped):
    client.force_login(f.make_regional_staff())
    response = preview(
        client,
        [
            "Carla,Ríos,carla@lima.gob.pe,Lima Metropolitana,,PE",
            "Jorge,Vera,jorge@lima.gob.pe,Municipalidad de Lima Metropolitana,,PE",
        ],
        language="en",
    )
    assert issues(response) == [
        "row 3, gobierno local: 'Municipalidad de Lima Metropolitana' looks like 'Lima Metropolitana' on row 2; "
        "write the same name and region on both rows"
    ]
    assert not LocalGovernment.objects.filter(country="PE").exists()


def test_a_country_office_creates_governments_only_in_its_countries(client, mapped):
    client.force_login(f.make_country_staff("AR"))
    refused = preview(
        client,
        ["Ana,Paz,ana@cordoba.gob.ar,Córdoba,Córdoba,AR", "Carla,Ríos,carla@lima.gob.pe,Lima,,PE"],
        language="en",
    )
    assert issues(refused) == [
        "row 3, país: Peru is not a country of your office (Argentina); only rows of your country can be imported. "
        "Remove the row or ask the regional office."
    ]
    assert [g.name for g in refused.context["plan"].new_governments] == ["Córdoba"]
    assert refused.context["confirm_form"] is None
    assert LocalGovernment.objects.count() == 2

    accepted = preview(client, ["Ana,Paz,ana@cordoba.gob.ar,Córdoba,Córdoba,AR"])
    confirm(client, accepted)
    assert Official.objects.get(email="ana@cordoba.gob.ar").local_government.name == "Córdoba"


def test_nothing_is_created_when_a_row_is_invalid(client, mapped):
    client.force_login(f.make_regional_staff())
    response = preview(
        client,
        ["Carla,Ríos,carla@lima.gob.pe,Lima Metropolitana,,PE", "Jorge,Vera,jorge@,Cusco,,PE"],
    )
    assert len(issues(response)) == 1
    assert response.context["confirm_form"] is None
    assert not LocalGovernment.objects.filter(country="PE").exists()
    assert not Official.objects.filter(email__endswith="lima.gob.pe").exists()


def test_a_government_created_since_the_preview_refuses_the_import_naming_the_row(mapped, settings):
    settings.LANGUAGE_CODE = "en"
    user = f.make_regional_staff()
    table = Table(
        headers=["first name", "last name", "e-mail", "local government", "country"],
        rows=[
            (2, ["Ana", "Paz", "ana@rosario.gob.ar", "Rosario", "AR"]),
            (3, ["Carla", "Ríos", "c@x.pe", "Lima", "PE"]),
        ],
    )
    plan = imports.plan_import(kind="officials", table=table, user=user)
    assert [g.name for g in plan.new_governments] == ["Lima"]
    f.make_government("PE", name="LIMA")  # another office, after the preview
    with pytest.raises(ImportRefused) as refused:
        import_mapping(plan=plan, by=user)
    assert str(refused.value).startswith("Nothing was imported: row 3: ")
    assert "local_government_unique_name" not in str(refused.value)
    assert not Official.objects.filter(email__in=["ana@rosario.gob.ar", "c@x.pe"]).exists()
    assert LocalGovernment.objects.filter(country="PE").count() == 1


def _rows(count, tag):
    return [f"Ana,Paz,ana.{tag}{i}@example.org,Municipio {tag} {i},,PE" for i in range(count)]


def test_query_count_does_not_grow_with_new_governments(client, mapped):
    client.force_login(f.make_regional_staff())
    confirm(client, preview(client, _rows(1, "Warm")))  # warm the session
    with CaptureQueriesContext(connection) as few:
        small = preview(client, _rows(2, "Pocos"))
    with CaptureQueriesContext(connection) as few_confirm:
        confirm(client, small)
    with CaptureQueriesContext(connection) as many:
        big = preview(client, _rows(300, "Muchos"))
    with CaptureQueriesContext(connection) as many_confirm:
        confirm(client, big)
    assert LocalGovernment.objects.filter(country="PE").count() == 303
    assert Official.objects.filter(local_government__country="PE").count() == 303
    assert len(many) == len(few)
    assert len(many_confirm) == len(few_confirm)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Municipalidad de Rosario", "Rosario"),
        ("Prefeitura Municipal de São Paulo", "SAO PAULO"),
        ("Municipalidad Metropolitana de Lima", "Lima"),
        ("GAD Municipal de Quito", "Quito"),
        ("Alcaldía de Medellín", "medellin"),
    ],
)
def test_look_alike_names(one, other):
    assert look_alike_key(one) == look_alike_key(other)


@pytest.mark.parametrize(("one", "other"), [("Lima Metropolitana", "Lima"), ("San Pedro", "San Pedro de Jujuy")])
def test_different_names_do_not_look_alike(one, other):
    assert look_alike_key(one) != look_alike_key(other)
