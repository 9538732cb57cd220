"""A recognition's stored PDF, downloaded by whoever may see it; when the file is gone from storage, a page in the
reader's language and a line in the log, never a server error."""

import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored():
    initiative = f.make_initiative(name="ALP Andes 2027")
    official = f.make_official_user(f.make_government("BR", name="Recife"), language="pt-br")
    recognition = f.make_recognition(initiative, official=official)
    recognition.pdf.save(f"{recognition.code}.pdf", ContentFile(b"%PDF-1.7 test"))
    return recognition


def test_recognition_pdf_download_is_the_stored_file(client, stored):
    client.force_login(stored.official.user)
    response = client.get(reverse("certificates:pdf", args=[stored.code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


def test_recognition_pdf_missing_from_storage_is_404_in_readers_language_and_logged(client, stored, caplog):
    default_storage.delete(stored.pdf.name)
    client.force_login(stored.official.user)

    with caplog.at_level(logging.ERROR, logger="certificates.views"):
        response = client.get(reverse("certificates:pdf", args=[stored.code]), HTTP_ACCEPT_LANGUAGE="pt-br")

    assert response.status_code == 404
    assert response.templates[0].name == "certificates/pdf_missing.html"
    with translation.override("pt-br"):
        title = gettext("The PDF cannot be found")
    assert title != "The PDF cannot be found"
    assert f"<h1>{title}</h1>" in response.content.decode()
    assert '<html lang="pt-br">' in response.content.decode()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", f"The PDF {stored.pdf.name} of recognition {stored.code} is missing from storage")
    ]
