"""No string left in the wrong language (issue 16, item 2): every page of the URL matrix (portal, public, API
docs, accounts and the project's admin) rendered in Portuguese and in English as regional staff and as an
official holds none of the Spanish-only words below, and in Spanish none of the English-only ones. The words
are interface words: the test world's own content (government names, agenda items) is Spanish data, not
interface, and is not on the lists."""

import re

import pytest

from tests.test_admin_scoping import world  # noqa: F401 (fixture)
from tests.test_url_matrix import NOT_PAGES, ROUTES, extra_objects, url_of

pytestmark = pytest.mark.django_db

# Spanish words that are not Portuguese too ("Publicar", "Buscar", "Iniciativas" are both).
SPANISH_NOT_PORTUGUESE = [
    "Cerrar sesión",
    "Autoridad Local Precursora",
    "Automapeo de gestión",
    "reconocimientos",
    "Vista previa",
    "sesiones",
    "Seleccione",
    "Ejecutar",
    "Agregar",
    "funcionarios",
]
SPANISH_NOT_ENGLISH = [*SPANISH_NOT_PORTUGUESE, "Guardar", "Buscar", "Publicar:", "Retirar:", "Iniciativas", "Inicio"]
ENGLISH_ONLY = ["Save", "Search", "Log out", "Recognitions", "Initiatives", "Run", "Select an option", "sessions"]
# Pages that show reference data in its three languages side by side, by design.
MULTILINGUAL = {"admin:initiative_objective_changelist", "admin:initiative_guidingprinciple_changelist"}
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def visible_text(html):
    return TAGS.sub(" ", html)


def pages(client, world, language):  # noqa: F811
    for name in sorted(set(ROUTES) - NOT_PAGES):
        if name.startswith(("api-v1:openapi-json", "certificates:pdf", "certificates:badge")) or name.endswith(
            ("_export", "_delete")
        ):
            continue
        response = client.get(url_of(name, world), HTTP_ACCEPT_LANGUAGE=language)
        if name in MULTILINGUAL:
            continue
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            yield name, visible_text(response.content.decode())


@pytest.mark.parametrize("role", ["regional", "official_a"])
@pytest.mark.parametrize(
    ("language", "words"), [("pt-br", SPANISH_NOT_PORTUGUESE), ("en", SPANISH_NOT_ENGLISH), ("es", ENGLISH_ONLY)]
)
def test_no_page_speaks_another_language(client, world, role, language, words):  # noqa: F811
    extra_objects(world)
    client.force_login(world["users"][role])
    client.cookies.load({"django_language": language})
    found = {}
    for name, text in pages(client, world, language):
        wrong = sorted(word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text))
        if wrong:
            found[name] = wrong
    assert found == {}
