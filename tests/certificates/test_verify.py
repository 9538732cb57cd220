from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from certificates import views
from certificates.enums import RecognitionStatus
from certificates.revocation import revoke_recognition
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def recognition():
    official = f.make_official(
        f.make_government("AR", name="Rosario"),
        first_name="Ana",
        last_name="Núñez",
        email="ana.secreta@example.org",
        position="Secretaria de Derechos Humanos",
    )
    return f.make_recognition(
        f.make_initiative(name="ALP América del Sur 2023"),
        official=official,
        issued_at=datetime(2023, 12, 5, 15, tzinfo=UTC),
        pdf_sha256="a" * 64,
    )


def test_verify_valid_code_shows_holder_kind_initiative_date_and_hash(client, recognition):
    response = client.get(reverse("certificates:verify", args=[recognition.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"The code {recognition.code} belongs to a valid recognition." in html
    assert "Ana Núñez" in html
    assert "Certificate of a person" in html
    assert "ALP América del Sur 2023" in html
    assert "Dec. 5, 2023" in html
    assert "a" * 64 in html
    # Nothing else about the person.
    assert "ana.secreta@example.org" not in html
    assert "Secretaria de Derechos Humanos" not in html
    assert "Rosario" not in html
    assert '<html lang="en">' in html


def test_verify_revoked_code_shows_date_and_reason(client, recognition):
    revoke_recognition(recognition=recognition, reason="Datos de asistencia erróneos", by=f.make_regional_staff())
    response = client.get(reverse("certificates:verify", args=[recognition.code]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"The code {recognition.code} belongs to a recognition that was revoked." in html
    assert "Datos de asistencia erróneos" in html
    assert "Revoked on" in html
    assert "Ana Núñez" in html


def test_verify_unknown_code_answers_404_with_a_form(client):
    response = client.get(reverse("certificates:verify", args=["2345-6789-ABCD"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "No recognition has this code." in response.content.decode()


def test_verify_malformed_code_is_unknown(client):
    response = client.get("/verify/%3Cscript%3E/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "<script>" not in response.content.decode()


def test_verify_code_typed_loosely_redirects_to_its_printed_form(client, recognition):
    loose = recognition.code.replace("-", " ").lower()
    response = client.get(reverse("certificates:verify_form"), {"code": loose})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[recognition.code])


def test_verify_form_rejects_impossible_code(client):
    response = client.get(reverse("certificates:verify_form"), {"code": "OOOO-1111"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "A code has 12 letters and digits" in html
    assert 'aria-invalid="true"' in html


def test_verify_form_page_extends_base_with_label(client):
    response = client.get(reverse("certificates:verify_form"), HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<main id="main">' in html
    assert '<label for="id_code">' in html


def test_verify_is_rate_limited_per_address(client, recognition, monkeypatch):
    monkeypatch.setattr(views, "VERIFY_RATE_LIMIT", (3, 600))
    url = reverse("certificates:verify", args=[recognition.code])
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_verify_rate_limit_counts_unknown_codes_too(client, monkeypatch):
    monkeypatch.setattr(views, "VERIFY_RATE_LIMIT", (2, 600))
    statuses = [client.get(reverse("certificates:verify", args=[f"2345-6789-ABC{c}"])).status_code for c in "DEF"]
    assert statuses == [404, 404, 429]


def test_revocation_keeps_record_and_tells_holder(recognition, django_capture_on_commit_callbacks):
    regional = f.make_regional_staff()
    recognition.official.language = "en"  # the e-mail follows the holder's profile, not the certificate's
    recognition.official.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        revoke_recognition(recognition=recognition, reason="Error de registro", by=regional)
    recognition.refresh_from_db()
    assert (recognition.status, recognition.revoked_by, recognition.revocation_reason) == (
        RecognitionStatus.REVOKED,
        regional,
        "Error de registro",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.secreta@example.org"]
    assert message.subject == f"Recognition {recognition.code} has been revoked"
    assert "Error de registro" in message.body
    assert f"/verify/{recognition.code}/" in message.body
