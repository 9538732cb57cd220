"""Django 6.1's own Spanish and Portuguese catalogues leave a few strings of the admin untranslated; ours
translate them (alp_portal/django_strings.py)."""

import json
import re

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "blank", "run"),
    [("es", "- Seleccione una opción -", "Ejecutar"), ("pt-br", "- Selecione uma opção -", "Executar")],
)
def test_admin_action_bar_speaks_the_staff_language(client, language, blank, run):
    f.make_official(f.make_government("AR"))
    client.force_login(f.make_regional_staff())
    page = client.get(reverse("admin:authorities_official_changelist"), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert f">{blank}</option>" in html
    assert f">{run}</button>" in html
    assert "Select an option" not in html and ">Run<" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "added"),
    [
        ("es", "Se agregó “{obj}” (recurso) correctamente."),
        ("pt-br", "Inclusão concluída: “{obj}” (recurso)."),
    ],
)
def test_admin_confirmations_put_no_article_before_the_model_name(client, language, added):
    """Issue 16, item 2: Django says "El {name} … fue agregado" whatever the model's gender ("El invitación")."""
    from django.contrib.messages import get_messages

    from initiative.models import Resource

    client.force_login(f.make_regional_staff())
    response = client.post(
        reverse("admin:initiative_resource_add"),
        {
            "title": "Manual",
            "url": "https://example.org/manual.pdf",
            "kind": Resource._meta.get_field("kind").default,
            "language": "es",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    resource = Resource.objects.get()
    shown = [re.sub(r"<[^>]+>", "", str(message)) for message in get_messages(response.wsgi_request)]  # obj is a link
    assert shown == [added.format(obj=resource)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("es", "Nota: introduzca las horas en la zona horaria %(timezone)s. (Usted está %(offset)s horas por detrás)."),
        ("pt-br", "Nota: informe os horários no fuso horário %(timezone)s. (Você está %(offset)s horas atrás.)"),
    ],
)
def test_admin_scripts_time_zone_note_is_translated(client, language, note):
    """The note the date and time fields add when the browser's zone is not the server's: Django 6.1's admin
    catalogues lack it, the project's locale/*/djangojs.po give it."""
    client.force_login(f.make_regional_staff())
    script = client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    forms = catalog["Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)"]
    assert note in forms
