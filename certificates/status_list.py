"""Revocation that travels: a W3C Bitstring Status List (Recommendation, 2025) of our credentials.

Each credential gets a slot (its statusListIndex) in a list of 131,072 bits; a revoked recognition's bit is 1.
The list is published as a signed BitstringStatusListCredential at a stable address, regenerated in the same
transaction that revokes (certificates/revocation.py revoke_recognition), so that the verification page and the
list never disagree. The one writer of StatusList rows is this module.
"""

import base64
import gzip

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .enums import RecognitionStatus
from .issuer import absolute_url, issuer_did, sign_document
from .linked_data import VC_V2
from .models import Recognition, StatusList

# Slots are given out in an order that looks random (the specification's advice for the holders' privacy),
# without a collision: slot = n * STRIDE mod size is a bijection on [0, size) for a power-of-two size and an
# odd STRIDE, so the n-th credential of a list always gets a slot of its own.
STRIDE = 76543
STATUS_PURPOSE = "revocation"


def slot(n, size):
    return (n * STRIDE) % size


def allocate_slots(count):
    """Reserve `count` slots: [(status list, index)], in the list with room (a new one when it is full).
    Runs inside the caller's transaction with the list row locked, so that two issuances never share a slot."""
    slots = []
    while len(slots) < count:
        status_list = StatusList.objects.select_for_update().order_by("-pk").first()
        if status_list is None or status_list.allocated >= status_list.size:
            status_list = StatusList.objects.create()
        take = min(count - len(slots), status_list.size - status_list.allocated)
        start = status_list.allocated
        slots += [(status_list, slot(n, status_list.size)) for n in range(start, start + take)]
        status_list.allocated = start + take
        status_list.save(update_fields=["allocated", "updated"])
    return slots


def encode_bits(indices, size):
    """The list's bits (index 0 the left-most bit of the first byte) GZIP-compressed, as multibase base64url."""
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same bits always make the same bytes
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def status_list_url(status_list_id):
    return absolute_url(reverse("certificates:status_list", args=[status_list_id]))


def status_entry(status_list_id, index):
    """The credentialStatus of the credential in slot `index`."""
    url = status_list_url(status_list_id)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def build_status_list_credential(status_list, *, key):
    revoked = Recognition.objects.filter(status_list=status_list, status=RecognitionStatus.REVOKED).values_list(
        "status_list_index", flat=True
    )
    url = status_list_url(status_list.pk)
    document = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_bits(revoked, status_list.size),
        },
    }
    return sign_document(document, key=key)


def refresh_status_lists(status_list_ids, *, key):
    """Sign anew the status list credentials of `status_list_ids` from the recognitions' current status.

    Side effects: locks and saves each StatusList's credential. Call it inside the transaction that changed a
    status, so that the published list and the recognitions change together."""
    with transaction.atomic():
        for status_list in StatusList.objects.select_for_update().filter(pk__in=status_list_ids).order_by("pk"):
            status_list.credential = build_status_list_credential(status_list, key=key)
            status_list.save(update_fields=["credential", "updated"])
