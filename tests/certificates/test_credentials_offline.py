"""The Open Badges 3.0 credentials, checked as a third party would: without the portal's signing code.

The verifier below is written here, from the specifications: pyld canonicalises (RDFC-1.0) with a document
loader of its own over the contexts kept in the repo, PyNaCl checks the Ed25519 signature (the portal signs
with `cryptography`), the multibase values are decoded here, the key comes from the served did:web document
and the revocation from the served status list, decompressed here. The JSON validates against the Open Badges
3.0 JSON Schema kept in certificates/contexts.
"""

import base64
import copy
import gzip
import hashlib
import io
import json
from pathlib import Path

import jsonschema
import nacl.exceptions
import nacl.signing
import pytest
from django.core.management import call_command
from django.test import override_settings
from pyld import jsonld

from certificates import proofs
from certificates.credentials import CredentialError, issue_credentials
from certificates.enums import RecognitionKind
from certificates.keys import SigningKey, new_private_key, private_key_from_multibase, private_multibase
from certificates.models import Recognition, StatusList
from certificates.revocation import revoke_recognition
from certificates.services import CertificateError
from certificates.status_list import slot
from tests import factories as f

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = ROOT / "certificates" / "contexts"
DATA = Path(__file__).resolve().parent / "data"
KEPT = {
    "https://www.w3.org/ns/credentials/v2": CONTEXTS / "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": CONTEXTS / "ob-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/credentials/examples/v2": DATA / "credentials-examples-v2.jsonld",
}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def offline_loader(url, options=None):
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(KEPT[url].read_text())}


def b58decode(text):
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def canonical_hash(document):
    nquads = jsonld.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": offline_loader}
    )
    return hashlib.sha256(nquads.encode()).digest()


def ed25519_key(multibase):
    raw = b58decode(multibase[1:])
    assert raw[:2] == b"\xed\x01"
    return nacl.signing.VerifyKey(raw[2:])


def signature_valid(document, did_document):
    """eddsa-rdfc-2022 verification (VC Data Integrity EdDSA Cryptosuites v1.0, section 3.2)."""
    proof = document["proof"]
    if proof["type"] != "DataIntegrityProof" or proof["cryptosuite"] != "eddsa-rdfc-2022":
        return False
    methods = {m["id"]: m for m in did_document["verificationMethod"]}
    if proof["verificationMethod"] not in did_document["assertionMethod"]:
        return False
    key = ed25519_key(methods[proof["verificationMethod"]]["publicKeyMultibase"])
    options = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": document["@context"]}
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    try:
        key.verify(canonical_hash(options) + canonical_hash(unsigned), b58decode(proof["proofValue"][1:]))
    except nacl.exceptions.BadSignatureError:
        return False
    return True


def revoked_in(status_list_credential, index):
    encoded = status_list_credential["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131072
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def fetch(client, url):
    """GET one of the portal's public documents, as a verifier on the network would (here: the test client)."""
    path = url.removeprefix("http://localhost:8000")
    response = client.get(path)
    assert response.status_code == 200, (url, response.status_code)
    return json.loads(response.content)


def verify_offline(client, credential):
    """'valid', 'revoked' or 'invalid', from the DID document and the status list alone."""
    did = credential["issuer"]["id"]
    assert did == "did:web:localhost%3A8000"
    did_document = fetch(client, "/.well-known/did.json")
    assert did_document["id"] == did
    if not signature_valid(credential, did_document):
        return "invalid"
    status = credential["credentialStatus"]
    status_list = fetch(client, status["statusListCredential"])
    if status_list["issuer"] != did or not signature_valid(status_list, did_document):
        return "invalid"
    return "revoked" if revoked_in(status_list, int(status["statusListIndex"])) else "valid"


@pytest.fixture
def schema():
    return json.loads((CONTEXTS / "ob_v3p0_achievementcredential_schema.json").read_text())


@pytest.fixture
def recognitions():
    initiative = f.make_initiative(name="ALP América del Sur 2023", slug="alp-2023")
    government = f.make_government(name="Quilmes")
    official = f.make_official(government, first_name="María", last_name="Pérez", email="Maria.Perez@quilmes.example")
    person = f.make_recognition(initiative, official=official)
    place = f.make_recognition(initiative, local_government=government, language="pt-br")
    issue_credentials(recognitions=[person, place])
    return [Recognition.objects.get(pk=person.pk), Recognition.objects.get(pk=place.pk)]


def test_signing_matches_the_w3c_test_vector(monkeypatch):
    """Our signer, given the W3C test vector's key, document and date, makes the test vector's proof."""
    signed = json.loads((DATA / "eddsa-rdfc-2022-signed.json").read_text())
    pair = json.loads((DATA / "eddsa-rdfc-2022-key-pair.json").read_text())
    monkeypatch.setattr(
        proofs,
        "canonical_nquads",
        lambda d: jsonld.normalize(
            d, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": offline_loader}
        ),
    )
    key = SigningKey(private_key_from_multibase(pair["privateKeyMultibase"]), pair["publicKeyMultibase"])
    unsigned = {k: v for k, v in signed.items() if k != "proof"}

    ours = proofs.sign(
        unsigned, key=key, verification_method=signed["proof"]["verificationMethod"], created=signed["proof"]["created"]
    )

    assert ours["proof"] == signed["proof"]


def test_every_issued_credential_verifies_offline_and_matches_the_schema(client, recognitions, schema):
    for recognition in recognitions:
        credential = recognition.credential
        jsonschema.Draft4Validator(schema).validate(credential)
        assert verify_offline(client, credential) == "valid"
        assert fetch(client, credential["id"]) == credential


def test_credential_of_a_person(recognitions):
    credential = recognitions[0].credential
    salt = next(i for i in credential["credentialSubject"]["identifier"] if i["identityType"] == "emailAddress")["salt"]

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": "did:web:localhost%3A8000",
        "type": ["Profile"],
        "name": "IOM Regional Office for South America",
        "url": "http://localhost:8000/",
    }
    assert credential["validFrom"] == recognitions[0].issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert credential["credentialSubject"]["identifier"] == [
        {"type": "IdentityObject", "identityType": "ext:name", "hashed": False, "identityHash": "María Pérez"},
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            # the e-mail lower-cased, then the salt: the holder proves the credential is theirs with it
            "identityHash": "sha256$" + hashlib.sha256(f"maria.perez@quilmes.example{salt}".encode()).hexdigest(),
            "salt": salt,
        },
    ]
    assert "quilmes.example" not in json.dumps(credential).lower()
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Autoridad Local Precursora"
    assert achievement["id"] == "http://localhost:8000/initiatives/alp-2023/#achievement-person"
    assert achievement["criteria"]["narrative"] == (
        "Participó en el lanzamiento de ALP América del Sur 2023 y en al menos 1 sesión del taller, con presencia "
        "durante al menos el 75 % de cada sesión.\n\n"
        "Participou do lançamento de ALP América del Sur 2023 e de pelo menos 1 sessão da oficina, com presença "
        "durante pelo menos 75 % de cada sessão.\n\n"
        "Took part in the launch of ALP América del Sur 2023 and in at least 1 workshop session, present for at "
        "least 75% of each session."
    )
    status = credential["credentialStatus"]
    assert status["statusListIndex"] == str(recognitions[0].status_list_index)
    assert (
        status["statusListCredential"] == f"http://localhost:8000/credentials/status/{recognitions[0].status_list_id}/"
    )


def test_credential_of_a_government_in_its_language(recognitions):
    credential = recognitions[1].credential

    assert credential["credentialSubject"]["identifier"] == [
        {"type": "IdentityObject", "identityType": "ext:name", "hashed": False, "identityHash": "Quilmes"}
    ]
    assert credential["name"] == "Autoridade Local Precursora (governo local)"
    assert credential["credentialSubject"]["achievement"]["criteria"]["narrative"].split("\n\n")[2] == (
        "A local government represented in ALP América del Sur 2023 by at least one person recognized as Champion "
        "Local Authority."
    )


TAMPERINGS = [
    ("credentialSubject", "identifier", 0, "identityHash"),
    ("credentialSubject", "identifier", 1, "identityHash"),
    ("credentialSubject", "identifier", 1, "salt"),
    ("credentialSubject", "identifier", 1, "identityType"),
    ("credentialSubject", "achievement", "id"),
    ("credentialSubject", "achievement", "name"),
    ("credentialSubject", "achievement", "description"),
    ("credentialSubject", "achievement", "achievementType"),
    ("credentialSubject", "achievement", "criteria", "narrative"),
    ("credentialSubject", "achievement", "image", "id"),
    ("credentialSubject", "achievement", "inLanguage"),
    ("issuer", "name"),
    ("validFrom",),
    ("credentialStatus", "statusListIndex"),
]


def _tampered(credential, path):
    copied = copy.deepcopy(credential)
    node = copied
    for step in path[:-1]:
        node = node[step]
    value = node[path[-1]]
    node[path[-1]] = "2031-01-01T00:00:00Z" if path[-1] == "validFrom" else f"{value}x"
    return copied


@pytest.mark.parametrize("path", TAMPERINGS, ids=[".".join(map(str, p)) for p in TAMPERINGS])
def test_tampering_with_a_field_fails_verification(client, recognitions, path):
    assert verify_offline(client, _tampered(recognitions[0].credential, path)) == "invalid"


def test_an_added_field_fails_verification(client, recognitions):
    credential = copy.deepcopy(recognitions[0].credential)
    credential["credentialSubject"]["achievement"]["creditsAvailable"] = 3

    assert verify_offline(client, credential) == "invalid"


def test_a_revoked_credential_verifies_as_revoked(client, recognitions):
    person, place = recognitions

    revoke_recognition(recognition=person, reason="Attendance recorded in error.", by=f.make_regional_staff())

    assert verify_offline(client, person.credential) == "revoked"
    assert verify_offline(client, place.credential) == "valid"


def test_slots_are_distinct_and_spread():
    slots = [slot(n, 131072) for n in range(131072)]

    assert len(set(slots)) == 131072
    assert slots[:4] == [0, 76543, 22014, 98557]


def test_key_rotation_keeps_old_credentials_verifiable(client, settings, recognitions):
    old_public = client.get("/.well-known/did.json").json()["verificationMethod"][0]["publicKeyMultibase"]
    settings.CREDENTIAL_SIGNING_KEY = private_multibase(new_private_key())
    settings.CREDENTIAL_RETIRED_KEYS = [old_public]
    government = f.make_government(name="Rosario")
    newer = f.make_recognition(recognitions[0].initiative, local_government=government)
    issue_credentials(recognitions=[newer])
    newer.refresh_from_db()

    did_document = client.get("/.well-known/did.json").json()

    assert [m["publicKeyMultibase"] for m in did_document["verificationMethod"]][1] == old_public
    assert newer.credential["proof"]["verificationMethod"] != recognitions[0].credential["proof"]["verificationMethod"]
    assert verify_offline(client, recognitions[0].credential) == "valid"
    assert verify_offline(client, newer.credential) == "valid"
    settings.CREDENTIAL_RETIRED_KEYS = []
    assert verify_offline(client, recognitions[0].credential) == "invalid"  # a key no longer published


def test_revocation_is_refused_without_the_signing_key(settings, recognitions):
    settings.CREDENTIAL_SIGNING_KEY = ""

    with pytest.raises(CertificateError, match="ALP_CREDENTIAL_SIGNING_KEY"):
        revoke_recognition(recognition=recognitions[0], reason="Error.", by=f.make_regional_staff())

    assert Recognition.objects.get(pk=recognitions[0].pk).status == "issued"


def test_no_credential_without_a_key(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    initiative = f.make_initiative()
    recognition = f.make_recognition(initiative, local_government=f.make_government())

    with pytest.raises(CredentialError, match="create_credential_key"):
        issue_credentials(recognitions=[recognition])


def test_issue_credentials_command_backfills(recognitions):
    initiative = recognitions[0].initiative
    older = [f.make_recognition(initiative, local_government=f.make_government()) for _ in range(3)]

    call_command("issue_credentials", stdout=io.StringIO())

    assert Recognition.objects.filter(credential__isnull=True).count() == 0
    indices = set(Recognition.objects.values_list("status_list_index", flat=True))
    assert len(indices) == 5
    assert StatusList.objects.get().allocated == 5
    assert all(Recognition.objects.get(pk=r.pk).credential["credentialStatus"] for r in older)


def test_create_credential_key_command(tmp_path, capsys):
    path = tmp_path / "key"

    call_command("create_credential_key", output=str(path))

    private = path.read_text().strip()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    key = private_key_from_multibase(private)
    out = capsys.readouterr().out
    from certificates.keys import public_multibase

    assert f"Public key: {public_multibase(key.public_key())}" in out
    with pytest.raises(Exception, match="exists already"):
        call_command("create_credential_key", output=str(path))
    with override_settings(CREDENTIAL_SIGNING_KEY="", CREDENTIAL_SIGNING_KEY_FILE=str(path)):
        from certificates.keys import signing_key

        assert signing_key().public_multibase == public_multibase(key.public_key())


def test_kind_of_recognitions(recognitions):
    assert [r.kind for r in recognitions] == [RecognitionKind.PERSON, RecognitionKind.GOVERNMENT]


def test_issuance_gives_every_recognition_a_credential_verifiable_offline(
    client, django_capture_on_commit_callbacks, schema
):
    """The issuance path end to end: every recognition of a cohort (people and their governments) gets a
    credential before its e-mail goes out, and each verifies offline; the e-mail links to it."""
    from django.core import mail

    from certificates.services import start_issuance
    from tests.certificates.helpers import cohort, qualify

    initiative, launch, sessions = cohort()
    for i, country in enumerate(("AR", "BR", "CL")):
        qualify(f.make_official(f.make_government(country), email=f"p{i}@example.org"), launch, sessions, initiative)
    with django_capture_on_commit_callbacks(execute=True):
        start_issuance(initiative=initiative, by=f.make_regional_staff())

    recognitions = list(Recognition.objects.order_by("pk"))
    assert len(recognitions) == 6
    for recognition in recognitions:
        jsonschema.Draft4Validator(schema).validate(recognition.credential)
        assert verify_offline(client, recognition.credential) == "valid"
    person = next(r for r in recognitions if r.kind == RecognitionKind.PERSON)
    message = next(m for m in mail.outbox if m.to == [person.official.email])
    assert f"http://localhost:8000/verify/{person.code}/credential.json" in message.body
    assert f"http://localhost:8000/verify/{person.code}/badge.png" in message.body
    assert len({r.status_list_index for r in recognitions}) == 6


def test_issuance_without_a_key_issues_recognitions_without_credentials(settings, django_capture_on_commit_callbacks):
    from certificates.services import start_issuance
    from tests.certificates.helpers import cohort, qualify

    settings.CREDENTIAL_SIGNING_KEY = ""
    initiative, launch, sessions = cohort()
    qualify(f.make_official(f.make_government("AR")), launch, sessions, initiative)
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_issuance(initiative=initiative, by=f.make_regional_staff())
    batch.refresh_from_db()

    assert (batch.done, batch.failed) == (2, 0)
    assert list(Recognition.objects.values_list("credential", flat=True)) == [None, None]


def test_demo_cohort_issuance_gives_40_credentials_that_verify_offline(
    client, django_capture_on_commit_callbacks, schema
):
    from django.contrib.auth import get_user_model

    from certificates.services import start_issuance
    from initiative.models import Initiative

    call_command("load_demo", stdout=io.StringIO())
    regional = get_user_model().objects.get(email="regional@demo.alp")
    with django_capture_on_commit_callbacks(execute=True):
        start_issuance(initiative=Initiative.objects.get(slug="alp-sudamerica-2023"), by=regional)

    credentials = list(Recognition.objects.values_list("credential", flat=True))
    assert len(credentials) == 40  # 24 people and the 16 governments they represent
    validator = jsonschema.Draft4Validator(schema)
    assert [verify_offline(client, c) for c in credentials if validator.is_valid(c)] == ["valid"] * 40


def test_contexts_are_resolved_once_per_process_not_once_per_credential():
    """Signing resolves the kept contexts once: the second credential reads none of them again (resolving and
    canonicalising the Open Badges context for every document was half of a credential's signing time)."""
    from certificates import linked_data

    loaded = []

    def counting_loader(url, options=None):
        loaded.append(url)
        return linked_data.document_loader(url, options)

    document = {
        "@context": [linked_data.VC_V2, linked_data.OB_V3],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Autoridad Local Precursora",
    }
    resolver_cache = linked_data._resolved_contexts()
    resolver_cache.clear()
    first = linked_data.canonical_nquads(document)
    assert linked_data.OB_V3 in resolver_cache and linked_data.VC_V2 in resolver_cache
    # Once resolved, a loader is no longer asked for them through our resolver...
    from pyld import jsonld
    from pyld.context_resolver import ContextResolver

    again = jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": counting_loader,
            "contextResolver": ContextResolver(resolver_cache, counting_loader),
        },
    )
    assert loaded == [] and again == first
    # ...while pyld's own cache, which an independent verifier uses, holds nothing of ours.
    assert linked_data.OB_V3 not in jsonld._resolved_context_cache


def test_proof_options_are_canonicalised_once_per_signing_time(recognitions):
    """Credentials signed together share one proof time: their proof options are canonicalised once."""
    proofs._options_hash.cache_clear()
    for recognition in Recognition.objects.filter(pk__in=[r.pk for r in recognitions]):
        recognition.credential = None
        recognition.save(update_fields=["credential"])
    issue_credentials(recognitions=list(Recognition.objects.filter(pk__in=[r.pk for r in recognitions])))
    info = proofs._options_hash.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_canonical_nquads_are_pyld_own_with_the_scoped_contexts_kept(recognitions):
    """The processor that keeps the type-scoped contexts processed (linked_data._processor_class) gives the
    N-Quads pyld's own processor gives, for a person's and a government's credential, signed one after the
    other (the second one reading what the first kept), and keeps the scoped contexts of the first."""
    from cachetools import LRUCache
    from pyld import jsonld
    from pyld.context_resolver import ContextResolver

    from certificates import linked_data

    credentials = [Recognition.objects.get(pk=r.pk).credential for r in recognitions]
    assert [r.kind for r in recognitions] == [RecognitionKind.PERSON, RecognitionKind.GOVERNMENT]
    for credential in credentials * 2:
        unsigned = {key: value for key, value in credential.items() if key != "proof"}
        theirs = jsonld.normalize(
            unsigned,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": linked_data.document_loader,
                "contextResolver": ContextResolver(LRUCache(maxsize=100), linked_data.document_loader),
            },
        )
        assert linked_data.canonical_nquads(unsigned) == theirs
        assert theirs.count("\n") > 20
