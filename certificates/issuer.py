"""The issuer: IOM's Regional Office as a did:web identifier served by the portal, its DID document with
every published key (current and retired, so that rotation keeps old credentials verifiable), its Open Badges
profile, and the signing of a document with the current key."""

from datetime import UTC
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils import timezone

from . import proofs
from .keys import published_public_keys


def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path


def issuer_did():
    """did:web for the portal's address: the host (a port percent-encoded), then any path segments."""
    parts = urlsplit(settings.SITE_URL)
    segments = [quote(parts.netloc, safe="")] + [quote(s, safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def verification_method(public_multibase):
    return f"{issuer_did()}#{public_multibase}"


def did_document():
    """The issuer's DID document (served at /.well-known/did.json): every published key, current and retired."""
    did = issuer_did()
    methods = [
        {"id": verification_method(key), "type": "Multikey", "controller": did, "publicKeyMultibase": key}
        for key in published_public_keys()
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def public_keys_by_method():
    return {verification_method(key): key for key in published_public_keys()}


def issuer_profile():
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": settings.CREDENTIAL_ISSUER_NAME,
        "url": absolute_url("/"),
    }


def utc_iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_document(document, *, key, created=None):
    """`document` signed by `key`; `created` (a datetime, by default now) is the proof's time."""
    method = verification_method(key.public_multibase)
    return proofs.sign(document, key=key, verification_method=method, created=utc_iso(created or timezone.now()))
