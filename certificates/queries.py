from django.db.models import Exists, OuterRef, Q

from authorities.models import LocalGovernment, Official
from authorities.queries import figures_for

from .enums import RecognitionKind, RecognitionStatus
from .models import Recognition


def recognized_local_governments(initiative):
    """THE recognized local governments of an initiative, for every figure, the public map and list, the report
    and the open data: those holding a valid recognition of their own. (When the last recognized person of a
    government is revoked, the revocation page offers to revoke its recognition in the same step.)"""
    own = Recognition.objects.valid().filter(initiative=initiative, kind=RecognitionKind.GOVERNMENT)
    return LocalGovernment.objects.filter(pk__in=own.values("local_government"))


def recognized_officials(initiative):
    """The people holding a valid certificate of the initiative."""
    held = Recognition.objects.valid().filter(initiative=initiative, kind=RecognitionKind.PERSON)
    return Official.objects.filter(pk__in=held.values("official"))


def recognized_figures(initiative):
    """The people holding a valid certificate and the recognized local governments (and their countries)."""
    return figures_for(recognized_officials(initiative), recognized_local_governments(initiative))


def governments_left_without_people(recognitions):
    """The valid recognitions of local governments that revoking `recognitions` (with their officials loaded)
    would leave without any valid recognition of a person of that government in the same initiative: a
    government is recognized for its people, so the revocation page offers to revoke these in the same step.
    One query."""
    revoking = [recognition.pk for recognition in recognitions]
    holders = Q()
    for recognition in recognitions:
        if recognition.kind == RecognitionKind.PERSON:
            holders |= Q(
                initiative_id=recognition.initiative_id, local_government_id=recognition.official.local_government_id
            )
    if not holders:
        return Recognition.objects.none()
    still_held = (
        Recognition.objects.valid()
        .filter(
            kind=RecognitionKind.PERSON,
            initiative=OuterRef("initiative"),
            official__local_government=OuterRef("local_government"),
        )
        .exclude(pk__in=revoking)
    )
    return (
        Recognition.objects.valid()
        .filter(holders, kind=RecognitionKind.GOVERNMENT)
        .exclude(pk__in=revoking)
        .exclude(Exists(still_held))
        .select_related("initiative")
        .order_by("holder_name", "pk")
    )


def has_issued_recognitions(initiative):
    return Recognition.objects.valid().filter(initiative=initiative).exists()


def verification_facts(code):
    """What the public verification page says of `code`: valid, or revoked with the date and the reason, or
    unknown; with the holder's name, the initiative and the date of issue. Never more than the page shows."""
    from .forms import normalize_code

    normalized = normalize_code(code)
    recognition = (
        Recognition.objects.published().select_related("initiative").filter(code=normalized).first()
        if normalized
        else None
    )
    if recognition is None:
        return {"code": code, "status": "unknown"}
    revoked = recognition.status == RecognitionStatus.REVOKED
    facts = {
        "code": recognition.code,
        "status": "revoked" if revoked else "valid",
        "holder_name": recognition.holder_name,
        "kind": recognition.kind,
        "initiative": recognition.initiative.name,
        "issued_at": recognition.issued_at,
        "pdf_sha256": recognition.pdf_sha256 or None,
        "revoked_at": recognition.revoked_at if revoked else None,
        "revocation_reason": recognition.revocation_reason if revoked else None,
        "credential_url": None,
    }
    if recognition.credential is not None:
        from .credentials import credential_url

        facts["credential_url"] = credential_url(recognition.code)
    return facts
