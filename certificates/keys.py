"""The issuer's Ed25519 keys, as Multikey (multibase base58btc with a multicodec prefix).

The signing key comes from the environment (ALP_CREDENTIAL_SIGNING_KEY, or a file named by
ALP_CREDENTIAL_SIGNING_KEY_FILE), never from the database or the repository; `manage.py create_credential_key`
makes one. Rotating keeps old credentials verifiable: the public keys of retired signing keys stay published
(ALP_CREDENTIAL_RETIRED_KEYS) in the issuer's did:web document, and each proof names its key by id.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Multicodec prefixes (varint): ed25519-pub 0xed, ed25519-priv 0x1300.
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_PRIVATE_PREFIX = b"\x80\x26"


class InvalidKey(ValueError):
    """A key that cannot be read, with what is wrong with it."""


def _decode(multibase, prefix, what):
    if not multibase or not multibase.startswith("z"):
        raise InvalidKey(f"{what} must be multibase base58btc (it starts with 'z').")
    try:
        raw = base58.b58decode(multibase[1:])
    except ValueError:
        raise InvalidKey(f"{what} is not valid base58.") from None
    if len(raw) != len(prefix) + 32 or not raw.startswith(prefix):
        raise InvalidKey(f"{what} is not an Ed25519 Multikey.")
    return raw[len(prefix) :]


def public_multibase(public_key):
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUBLIC_PREFIX + raw).decode()


def private_multibase(private_key):
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58.b58encode(ED25519_PRIVATE_PREFIX + raw).decode()


def public_key_from_multibase(multibase):
    return Ed25519PublicKey.from_public_bytes(_decode(multibase, ED25519_PUBLIC_PREFIX, "A public key"))


def private_key_from_multibase(multibase):
    return Ed25519PrivateKey.from_private_bytes(_decode(multibase, ED25519_PRIVATE_PREFIX, "The signing key"))


def new_private_key():
    return Ed25519PrivateKey.generate()


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    public_multibase: str

    def sign(self, data):
        return self.private_key.sign(data)


def _configured_private_multibase():
    value = getattr(settings, "CREDENTIAL_SIGNING_KEY", "")
    path = getattr(settings, "CREDENTIAL_SIGNING_KEY_FILE", "")
    if value and path:
        raise ImproperlyConfigured(
            "Set ALP_CREDENTIAL_SIGNING_KEY or ALP_CREDENTIAL_SIGNING_KEY_FILE, not both: which one signs?"
        )
    if path:
        try:
            value = Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"ALP_CREDENTIAL_SIGNING_KEY_FILE={path!r} cannot be read: {error}.") from None
    return value


@cache
def _signing_key(multibase):
    try:
        private_key = private_key_from_multibase(multibase)
    except InvalidKey as error:
        raise ImproperlyConfigured(f"The credential signing key: {error}") from None
    return SigningKey(private_key, public_multibase(private_key.public_key()))


def signing_key():
    """The current signing key, or None when none is configured (credentials are then not issued)."""
    multibase = _configured_private_multibase()
    return _signing_key(multibase) if multibase else None


def published_public_keys():
    """Every public key a credential of ours may be signed with: the current one first, then retired ones."""
    keys = []
    current = signing_key()
    if current is not None:
        keys.append(current.public_multibase)
    for retired in getattr(settings, "CREDENTIAL_RETIRED_KEYS", []):
        try:
            public_key_from_multibase(retired)
        except InvalidKey as error:
            raise ImproperlyConfigured(f"ALP_CREDENTIAL_RETIRED_KEYS: {error}") from None
        if retired not in keys:
            keys.append(retired)
    return keys
