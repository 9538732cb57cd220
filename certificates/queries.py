from authorities.models import Official
from authorities.queries import figures_for_officials

from .enums import RecognitionKind, RecognitionStatus
from .models import Recognition


def recognized_figures(initiative):
    """People holding a valid certificate of the initiative (and so the governments and countries they represent)."""
    recognized = Recognition.objects.valid().filter(initiative=initiative, kind=RecognitionKind.PERSON)
    return figures_for_officials(Official.objects.filter(pk__in=recognized.values("official")))


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
