"""The Open Badges documents the portal serves: the DID document, the status list, a credential and its
baked badge image."""

import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from certificates.credentials import issue_credentials
from certificates.models import Recognition
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def recognition():
    initiative = f.make_initiative()
    official = f.make_official(f.make_government(name="Quilmes"), first_name="María", last_name="Pérez")
    issued = f.make_recognition(initiative, official=official)
    issue_credentials(recognitions=[issued])
    return Recognition.objects.get(pk=issued.pk)


def test_did_document_lists_the_signing_key(client, settings):
    from certificates.keys import signing_key

    response = client.get(reverse("certificates:did"), HTTP_ORIGIN="https://wallet.example")

    key = signing_key().public_multibase
    assert response.json() == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:web:localhost%3A8000",
        "verificationMethod": [
            {
                "id": f"did:web:localhost%3A8000#{key}",
                "type": "Multikey",
                "controller": "did:web:localhost%3A8000",
                "publicKeyMultibase": key,
            }
        ],
        "assertionMethod": [f"did:web:localhost%3A8000#{key}"],
    }
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_did_web_of_an_address_with_a_path(settings):
    from certificates.issuer import issuer_did

    settings.SITE_URL = "https://iom.example.org/alp"

    assert issuer_did() == "did:web:iom.example.org:alp"


def test_status_list_is_served_signed_and_cached_briefly(client, recognition):
    response = client.get(reverse("certificates:status_list", args=[recognition.status_list_id]))

    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Type"] == "application/ld+json"


def test_credential_json_download(client, recognition):
    response = client.get(reverse("certificates:credential", args=[recognition.code]) + "?download")

    assert json.loads(response.content) == recognition.credential
    assert response["Content-Disposition"] == f'attachment; filename="{recognition.code}.json"'


def test_badge_png_carries_the_credential(client, recognition):
    response = client.get(reverse("certificates:badge", args=[recognition.code]))

    image = Image.open(io.BytesIO(response.content))
    assert response["Content-Type"] == "image/png"
    assert json.loads(image.text["openbadgecredential"]) == recognition.credential
    assert image.size == (512, 512)


def test_credential_lookups_count_against_the_verification_rate_limit(client, settings, recognition, monkeypatch):
    from certificates import views

    monkeypatch.setattr(views, "VERIFY_RATE_LIMIT", (2, 600))
    url = reverse("certificates:credential", args=[recognition.code])

    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_verify_page_and_my_recognitions_offer_the_credential(client, recognition):
    credential = reverse("certificates:credential", args=[recognition.code]) + "?download"
    badge = reverse("certificates:badge", args=[recognition.code])
    from django.core.files.base import ContentFile

    recognition.pdf.save(f"{recognition.code}.pdf", ContentFile(b"%PDF-1.7 test"))  # the page lists stored PDFs
    user = f.make_user(recognition.official.email)
    recognition.official.user = user
    recognition.official.save(update_fields=["user"])

    verify_page = client.get(reverse("certificates:verify", args=[recognition.code])).content.decode()
    client.force_login(user)
    mine = client.get(reverse("certificates:mine")).content.decode()

    for page in (verify_page, mine):
        assert f'href="{credential}"' in page
        assert f'href="{badge}"' in page


def test_deploy_check_warns_without_a_signing_key(settings):
    from certificates.checks import credential_signing_key

    assert credential_signing_key(None) == []
    settings.CREDENTIAL_SIGNING_KEY = ""
    assert [w.id for w in credential_signing_key(None)] == ["certificates.W001"]
    settings.CREDENTIAL_SIGNING_KEY = "not-a-key"
    assert [w.id for w in credential_signing_key(None)] == ["certificates.W002"]
