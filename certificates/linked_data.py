"""JSON-LD for the credentials: the contexts they use, served from files kept in the repo, and the RDF
canonicalisation (RDFC-1.0, which pyld still names URDNA2015) that the eddsa-rdfc-2022 proofs sign.

Nothing is ever fetched from the network: a context we do not keep is refused, so that what a signature
covers cannot change with somebody else's server. The files and where they come from: contexts/README.md.
"""

import json
from functools import cache
from pathlib import Path

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

CONTEXT_FILES = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
}


class UnknownContext(ValueError):
    """A document names a JSON-LD context that is not kept locally."""


@cache
def _context(url):
    return json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text())


def document_loader(url, options=None):
    """pyld's document loader: our kept contexts, nothing else. They are tagged "static" (they never change),
    so that pyld keeps each one resolved instead of fetching, resolving and canonicalising it again for every
    document (that was half of a credential's signing time)."""
    if url not in CONTEXT_FILES:
        raise UnknownContext(f"The JSON-LD context {url!r} is not kept locally; refusing to fetch it.")
    return {"contextUrl": None, "documentUrl": url, "document": _context(url), "tag": "static"}


@cache
def _resolved_contexts():
    """The contexts our loader resolved, kept for the life of the process: our own cache, not pyld's global
    one, so that another loader (a test's independent verifier, say) never reads what ours resolved."""
    from cachetools import LRUCache

    return LRUCache(maxsize=100)


@cache
def _processor_class():
    """pyld's processor, keeping the contexts scoped to a type or a property processed.

    pyld keeps each processed context by the id of the active context it was processed in, but a context scoped
    to a type (the Open Badges context has one per type: Achievement, Profile, ...) is processed in a fresh copy
    of the active context made for that one use (one that remembers the context to go back to), with a fresh id:
    every credential processed them all again, three quarters of its canonicalisation. Here that copy is made
    once per active context, so its id, and what pyld keeps under it, stay. Only for a context given inline
    without "@propagate" (an inline "@propagate" changes whether the copy is made at all: left to pyld).
    The N-Quads are the same as pyld's own (tests/certificates/test_credentials_offline.py).
    """
    import uuid

    from cachetools import LRUCache
    from pyld import jsonld  # imported here: pyld's import costs time every process would pay

    children = LRUCache(maxsize=200)

    class Processor(jsonld.JsonLdProcessor):
        def _process_context(
            self,
            active_ctx,
            local_ctx,
            options,
            override_protected=False,
            propagate=True,
            validate_scoped=True,
            cycles=None,
        ):
            if (
                not propagate
                and not active_ctx.get("previousContext")
                and "_uuid" in active_ctx
                and isinstance(local_ctx, dict)
                and "@propagate" not in local_ctx
            ):
                child = children.get(active_ctx["_uuid"])
                if child is None:
                    child = self._clone_active_context(active_ctx)
                    child["previousContext"] = active_ctx
                    child["_uuid"] = str(uuid.uuid1())
                    children[active_ctx["_uuid"]] = child
                active_ctx = child
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )

    return Processor


def canonical_nquads(document, loader=document_loader):
    """The document as canonical N-Quads (RDFC-1.0), the bytes a Data Integrity proof hashes."""
    from pyld import jsonld
    from pyld.context_resolver import ContextResolver

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    if loader is not document_loader:
        return jsonld.normalize(document, options)
    options["contextResolver"] = ContextResolver(_resolved_contexts(), loader)
    return _processor_class()().normalize(document, options)
