"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data Integrity EdDSA Cryptosuites v1.0).

Signing: canonicalise the proof options (the proof without proofValue, with the document's @context) and the
document without its proof (RDFC-1.0), hash each with SHA-256, sign proof-hash || document-hash with Ed25519,
and put the signature in proofValue as multibase base58btc. tests/certificates/test_credentials_offline.py
checks this against the W3C test vector and verifies our credentials through another library path.
"""

import hashlib
import json
from functools import lru_cache

import base58
from cryptography.exceptions import InvalidSignature

from .keys import public_key_from_multibase
from .linked_data import canonical_nquads

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


@lru_cache(maxsize=64)
def _options_hash(options_json):
    return hashlib.sha256(canonical_nquads(json.loads(options_json)).encode()).digest()


def _hash_data(document, proof_options):
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    options = {**proof_options, "@context": document["@context"]}
    options.pop("proofValue", None)
    # The proof options are the same for every credential signed in one go (same key, same time): their
    # canonical form is computed once, not once per credential.
    proof_hash = _options_hash(json.dumps(options, sort_keys=True))
    document_hash = hashlib.sha256(canonical_nquads(unsigned).encode()).digest()
    return proof_hash + document_hash


def sign(document, *, key, verification_method, created):
    """`document` with an eddsa-rdfc-2022 proof by `key` (a keys.SigningKey); `created` is an ISO date-time."""
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, proof))
    return {**document, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}


def verify(document, *, public_keys):
    """True when the document's proof is a valid eddsa-rdfc-2022 signature by the key its verificationMethod
    names among `public_keys` ({verification method id: public key multibase})."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    multibase = public_keys.get(proof.get("verificationMethod"))
    value = proof.get("proofValue", "")
    if multibase is None or not value.startswith("z") or proof.get("proofPurpose") != "assertionMethod":
        return False
    try:
        signature = base58.b58decode(value[1:])
        public_key_from_multibase(multibase).verify(signature, _hash_data(document, proof))
    except (InvalidSignature, ValueError):
        return False
    return True
