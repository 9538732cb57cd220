"""Django 6.1's own Spanish and Portuguese catalogues leave a few strings of the admin untranslated; ours
translate them (alp_portal/django_strings.py)."""

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
