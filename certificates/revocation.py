"""Revocation: a recognition kept on record, its code verifying as revoked, its holder told."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alp_portal import audit
from initiative.report import refresh_public_reports_on_commit

from .enums import RecognitionStatus
from .keys import signing_key
from .models import Recognition
from .services import CertificateError, require_regional
from .status_list import refresh_status_lists


def revoke_recognition(*, recognition, reason, by):
    """Revoke a recognition, keeping it: its code then verifies as revoked, with the date and `reason`.

    Side effects: saves the revocation (who, when, why), signs anew the status list that holds its Open Badges
    credential's bit and, once committed, queues the e-mail to the holder.
    """
    from .tasks import notify_revocation

    require_regional(by)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Say why the recognition is revoked: the reason is shown to whoever verifies it."))
    with transaction.atomic():
        locked = Recognition.objects.select_for_update().get(pk=recognition.pk)
        if locked.status == RecognitionStatus.PENDING:
            raise CertificateError(
                _("The recognition %(code)s is still being issued: it can be revoked once it is issued.")
                % {"code": locked.code}
            )
        if locked.status == RecognitionStatus.REVOKED:
            raise CertificateError(
                _("The recognition %(code)s was already revoked on %(date)s.")
                % {"code": locked.code, "date": timezone.localtime(locked.revoked_at).date()}
            )
        locked.status = RecognitionStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revocation_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason", "updated"])
        audit.record(event="revocation", by=by, obj=locked, reason=reason)
        if locked.status_list_id is not None:
            # Its Open Badges credential's bit flips in the same transaction: the list and this page agree.
            key = signing_key()
            if key is None:
                raise CertificateError(
                    _(
                        "The recognition has an Open Badges credential, and its revocation list cannot be signed: "
                        "configure the credential signing key (ALP_CREDENTIAL_SIGNING_KEY) and revoke again."
                    )
                )
            refresh_status_lists({locked.status_list_id}, key=key)
        transaction.on_commit(lambda: notify_revocation.enqueue(locked.pk))
        refresh_public_reports_on_commit(locked.initiative_id)  # the revoked must leave the public report now
    return locked


def revoke_recognitions(*, recognitions, reason, by, governments=(), government_reason=""):
    """Revoke each of `recognitions` with `reason` and, in the same step, each government recognition in
    `governments` (those left without any valid person recognition: queries.governments_left_without_people)
    with `government_reason`.

    Side effects: those of revoke_recognition, for each. Returns ([(recognition, reason)] revoked, [message]
    of each that could not be, say revoked meanwhile): one refused does not stop the others."""
    require_regional(by)
    if governments and not (government_reason or "").strip():
        raise CertificateError(_("Say why the governments' recognitions are revoked."))
    revoked, refused = [], []
    for recognition, why in [(r, reason) for r in recognitions] + [(g, government_reason) for g in governments]:
        try:
            revoked.append((revoke_recognition(recognition=recognition, reason=why, by=by), why.strip()))
        except CertificateError as error:
            refused.append(str(error))
    return revoked, refused
