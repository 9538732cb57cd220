"""Open Badges 3.0: every recognition as an OpenBadgeCredential (a W3C Verifiable Credential 2.0), signed with
an eddsa-rdfc-2022 Data Integrity proof by the issuer's did:web key.

Why a Data Integrity proof and not a VC-JWT: the credential stays one plain JSON-LD document that a wallet, a
displayer or a person reads as it is (the JSON baked into the badge image is the credential itself, not an
opaque token); the same proof signs the Bitstring Status List credential; and eddsa-rdfc-2022 is the one
Linked Data proof the Open Badges 3.0 conformance guide accepts for issuers. The cost is the RDF
canonicalisation (pyld), paid once at issue: the signed credential is stored and served as issued
(bench/credentials.py measures signing and verifying).
"""

import hashlib
import secrets

from django.db import transaction
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alp_portal.generations import written_in_bulk
from initiative.enums import Language

from .enums import RecognitionKind
from .issuer import absolute_url, issuer_profile, sign_document, utc_iso
from .keys import signing_key
from .linked_data import OB_SCHEMA, OB_V3, VC_V2
from .models import Recognition
from .status_list import allocate_slots, refresh_status_lists, status_entry

CREDENTIAL_MEDIA_TYPE = "application/ld+json"
BADGE_IMAGE = "certificates/badge.png"


class CredentialError(Exception):
    """A credential that cannot be issued, with a message a person can act on."""


def criteria_narrative(initiative, kind):
    """What earned the recognition, from the initiative's rule, in Spanish, Portuguese and English."""
    paragraphs = []
    for language in Language.values:
        with translation.override(language):
            if kind == RecognitionKind.GOVERNMENT:
                text = _(
                    "A local government represented in %(initiative)s by at least one person recognized as "
                    "Champion Local Authority."
                ) % {"initiative": initiative.name}
            else:
                sessions = ngettext(
                    "at least %(count)s workshop session",
                    "at least %(count)s workshop sessions",
                    initiative.min_workshop_sessions,
                ) % {"count": initiative.min_workshop_sessions}
                values = {
                    "initiative": initiative.name,
                    "sessions": sessions,
                    "threshold": initiative.attendance_threshold_percent,
                }
                if initiative.require_launch:
                    text = (
                        _(
                            "Took part in the launch of %(initiative)s and in %(sessions)s, present for at least "
                            "%(threshold)s%% of each session."
                        )
                        % values
                    )
                else:
                    text = (
                        _(
                            "Took part in %(sessions)s of %(initiative)s, present for at least %(threshold)s%% of "
                            "each session."
                        )
                        % values
                    )
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


def achievement(recognition):
    initiative = recognition.initiative
    kind = recognition.kind
    with translation.override(recognition.language):
        if kind == RecognitionKind.GOVERNMENT:
            name = _("Champion Local Authority (local government)")
        else:
            name = _("Champion Local Authority")
        description = _(
            "Recognition by the IOM Regional Office of a Champion Local Authority in the implementation of the "
            "Global Compact for Migration, in the initiative %(initiative)s."
        ) % {"initiative": initiative.name}
    return {
        "id": absolute_url(reverse("initiative:detail", args=[initiative.slug])) + f"#achievement-{kind}",
        "type": ["Achievement"],
        "achievementType": "Award",
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria_narrative(initiative, kind)},
        "image": {"id": absolute_url(static(BADGE_IMAGE)), "type": "Image"},
        "inLanguage": recognition.language if recognition.language != Language.PORTUGUESE else "pt-BR",
    }


def identity_hash(identity, salt):
    """The Open Badges IdentityHash: 'sha256$' and the hex SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def credential_subject(recognition, *, salt):
    identifiers = [
        {"type": "IdentityObject", "identityType": "ext:name", "hashed": False, "identityHash": recognition.holder_name}
    ]
    if recognition.kind == RecognitionKind.PERSON:
        # The e-mail only hashed with a salt: the holder can prove it is theirs, nobody can read it off.
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": identity_hash(recognition.official.email.strip().lower(), salt),
                "salt": salt,
            }
        )
    return {"type": ["AchievementSubject"], "identifier": identifiers, "achievement": achievement(recognition)}


def credential_url(code):
    return absolute_url(reverse("certificates:credential", args=[code]))


def badge_url(code):
    return absolute_url(reverse("certificates:badge", args=[code]))


def build_credential(recognition, *, status_list_id, status_list_index, salt):
    """The unsigned OpenBadgeCredential of `recognition` (with initiative and official loaded)."""
    subject = credential_subject(recognition, salt=salt)
    return {
        "@context": [VC_V2, OB_V3],
        "id": credential_url(recognition.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": subject["achievement"]["name"],
        "issuer": issuer_profile(),
        "validFrom": utc_iso(recognition.issued_at),
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": status_entry(status_list_id, status_list_index),
    }


def issue_credentials(*, recognitions):
    """Sign and keep the Open Badges credential of each recognition in `recognitions` that has none yet.

    Side effects: reserves a status list slot for each (certificates/status_list.py) and saves the signed
    credential, slot and list on the recognition, in one transaction. Returns how many were issued. Raises
    CredentialError when no signing key is configured."""
    key = signing_key()
    if key is None:
        raise CredentialError(
            _("No credential signing key is configured: run manage.py create_credential_key and set it.")
        )
    pending = [r.pk for r in recognitions if r.credential is None]
    if not pending:
        return 0
    with transaction.atomic():
        locked = list(
            Recognition.objects.select_for_update(of=("self",))
            .published()  # one still being issued is signed once it is valid
            .filter(pk__in=pending, credential__isnull=True)
            .select_related("initiative", "official")
            .order_by("pk")
        )
        slots = allocate_slots(len(locked))
        signed_at = timezone.now()  # one proof time for the chunk: its proof options are canonicalised once
        for recognition, (status_list, index) in zip(locked, slots, strict=True):
            document = build_credential(
                recognition, status_list_id=status_list.pk, status_list_index=index, salt=secrets.token_hex(16)
            )
            recognition.credential = sign_document(document, key=key, created=signed_at)
            recognition.status_list, recognition.status_list_index = status_list, index
        Recognition.objects.bulk_update(locked, ["credential", "status_list", "status_list_index"])
        written_in_bulk(Recognition)
        issued = {recognition.pk: recognition for recognition in locked}
        for recognition in recognitions:  # the caller's objects show their credential too
            if recognition.pk in issued:
                done = issued[recognition.pk]
                recognition.credential, recognition.status_list = done.credential, done.status_list
                recognition.status_list_index = done.status_list_index
        # A new list is published (all zeros) as soon as its first credential exists.
        new_lists = {status_list.pk for status_list, _index in slots if status_list.credential is None}
        refresh_status_lists(new_lists, key=key)
    return len(locked)
