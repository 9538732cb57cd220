"""Writes of the certificates app: eligibility overrides, issuance, revocation. Each checks who asks."""

import hashlib
import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alp_portal.roles import is_regional_staff
from authorities.models import Official
from initiative.enums import Language

from .eligibility import eligibility_rows, eligible_governments
from .enums import BatchStatus, ItemStatus, RecognitionKind, RecognitionStatus
from .models import EligibilityOverride, IssuanceBatch, IssuanceItem, Recognition

logger = logging.getLogger(__name__)

CHUNK_SIZE = 25  # recognitions rendered as one document; small enough that memory stays flat

# The language of a government's recognition: the country's (Portuguese in Brazil, English in Guyana and
# Suriname, Spanish elsewhere in South America). A person's certificate is in the person's own language.
COUNTRY_LANGUAGES = {"BR": Language.PORTUGUESE, "GY": Language.ENGLISH, "SR": Language.ENGLISH}


class CertificateError(Exception):
    """Something that cannot be done, with a message a person can act on."""


def _require_regional(user):
    if not is_regional_staff(user):
        raise PermissionDenied(_("Only the regional office issues, overrides and revokes recognitions."))


def government_language(government):
    return COUNTRY_LANGUAGES.get(government.country.code, Language.SPANISH)


# Overrides


def set_eligibility_override(*, initiative, official, eligible, reason, by):
    """Record that `official` is (or is not) eligible whatever attendance says; `eligible=None` removes it.

    Returns the override, or None when it was removed.
    """
    _require_regional(by)
    with transaction.atomic():
        if eligible is None:
            EligibilityOverride.objects.filter(initiative=initiative, official=official).delete()
            return None
        reason = (reason or "").strip()
        if not reason:
            raise CertificateError(_("Say why: the reason is recorded and shown with the decision."))
        override, _created = EligibilityOverride.objects.update_or_create(
            initiative=initiative,
            official=official,
            defaults={"eligible": eligible, "reason": reason, "decided_by": by},
        )
        return override


# Issuance


def start_issuance(*, initiative, by, official_ids=None, language=""):
    """Queue the recognitions of every eligible person (or of those in `official_ids`) not yet recognized, and
    of the local governments they represent.

    Side effects: creates an IssuanceBatch with one item per recognition to issue and, once committed,
    enqueues the task that works through it. Raises CertificateError when there is nothing left to issue.
    """
    from .tasks import run_issuance

    _require_regional(by)
    if language and language not in Language.values:
        raise CertificateError(_("Choose Spanish, Portuguese or English, or the holders' own languages."))
    officials = Official.objects.all()
    if official_ids is not None:
        officials = officials.filter(pk__in=official_ids)
    rows = [row for row in eligibility_rows(initiative, officials) if row.eligible]
    people = [row.official for row in rows if row.recognition is None]
    recognized_governments = set(
        Recognition.objects.filter(initiative=initiative, kind=RecognitionKind.GOVERNMENT).values_list(
            "local_government_id", flat=True
        )
    )
    governments = [g for g in eligible_governments(rows) if g.pk not in recognized_governments]
    if not people and not governments:
        raise CertificateError(
            _("Nobody is left to recognize: every eligible person and government already has a recognition.")
        )
    with transaction.atomic():
        batch = IssuanceBatch.objects.create(
            initiative=initiative, requested_by=by, language=language, total=len(people) + len(governments)
        )
        IssuanceItem.objects.bulk_create(
            [IssuanceItem(batch=batch, kind=RecognitionKind.PERSON, official=official) for official in people]
            + [
                IssuanceItem(batch=batch, kind=RecognitionKind.GOVERNMENT, local_government=government)
                for government in governments
            ]
        )
        transaction.on_commit(lambda: enqueue_issuance(run_issuance, batch.pk))
    return batch


def enqueue_issuance(task, batch_id):
    result = task.enqueue(batch_id)
    IssuanceBatch.objects.filter(pk=batch_id).update(task_id=str(result.id)[:64])
    return result


def resume_issuance(*, batch, by):
    """Queue again a batch left unfinished (a worker stopped) or with failures to retry."""
    from .tasks import run_issuance

    _require_regional(by)
    retried = IssuanceItem.objects.filter(batch=batch, status=ItemStatus.FAILED).update(
        status=ItemStatus.PENDING, error=""
    )
    if not retried and not IssuanceItem.objects.filter(batch=batch, status=ItemStatus.PENDING).exists():
        raise CertificateError(_("This issuance has nothing left to do."))
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED, finished_at=None)
    transaction.on_commit(lambda: enqueue_issuance(run_issuance, batch.pk))


def _refresh_counts(batch):
    counts = IssuanceItem.objects.filter(batch=batch).aggregate(
        done=Count("pk", filter=Q(status=ItemStatus.ISSUED)),
        skipped=Count("pk", filter=Q(status=ItemStatus.SKIPPED)),
        failed=Count("pk", filter=Q(status=ItemStatus.FAILED)),
    )
    IssuanceBatch.objects.filter(pk=batch.pk).update(**counts)


def process_issuance(*, batch_id, chunk_size=CHUNK_SIZE):
    """Work through the pending items of a batch, a chunk at a time. Safe to run again, or twice at once.

    Side effects, per item: a Recognition row (one per person or government and initiative: the database
    refuses a second), its PDF stored through the default storage with its SHA-256, an e-mail to the holder;
    the batch's counts after every chunk. A failing item is marked with its reason and the others go on.
    """
    batch = IssuanceBatch.objects.select_related("initiative", "requested_by").get(pk=batch_id)
    IssuanceBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, started_at=batch.started_at or timezone.now()
    )
    last_id = 0
    while True:
        chunk = list(
            IssuanceItem.objects.filter(batch=batch, status=ItemStatus.PENDING, pk__gt=last_id)
            .select_related("official__local_government", "local_government")
            .order_by("pk")[:chunk_size]
        )
        if not chunk:
            break
        last_id = chunk[-1].pk
        _process_chunk(batch, chunk)
        _refresh_counts(batch)
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FINISHED, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def _process_chunk(batch, items):
    from .pdf import render_recognition_pdf, render_recognition_pdfs

    to_render = []
    for item in items:
        try:
            recognition = _claim_recognition(batch, item)
        except Exception as error:  # a failure of one item must not stop the others
            logger.exception("Issuance item %s failed", item.pk)
            _fail(item, _("Could not record the recognition: %(error)s") % {"error": error})
            continue
        if recognition is None:
            continue  # skipped: already issued elsewhere
        if recognition.pdf:
            _finish(item, recognition, pdf=None)
        else:
            to_render.append((item, recognition))
    if not to_render:
        return
    try:
        pdfs = render_recognition_pdfs([recognition for _item, recognition in to_render])
    except Exception:
        logger.exception("Rendering a chunk of batch %s failed; rendering one by one", batch.pk)
        pdfs = []
        for _item, recognition in to_render:
            try:
                pdfs.append(render_recognition_pdf(recognition))
            except Exception as error:
                pdfs.append(error)
    for (item, recognition), pdf in zip(to_render, pdfs, strict=True):
        if isinstance(pdf, Exception):
            _fail(item, _("The PDF could not be made: %(error)s") % {"error": pdf})
            continue
        try:
            recognition = store_pdf(recognition, pdf)
        except Exception as error:
            logger.exception("Storing the PDF of recognition %s failed", recognition.pk)
            _fail(item, _("The PDF could not be stored: %(error)s") % {"error": error})
            continue
        _finish(item, recognition, pdf=pdf)


def _holder_filter(item):
    if item.kind == RecognitionKind.PERSON:
        return {"kind": RecognitionKind.PERSON, "official": item.official}
    return {"kind": RecognitionKind.GOVERNMENT, "local_government": item.local_government}


def _claim_recognition(batch, item):
    """The recognition this item issues, created if need be; None (and the item skipped) when the holder
    already had one from another issuance."""
    with transaction.atomic():
        item = IssuanceItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ItemStatus.PENDING:
            return None
        holder = _holder_filter(item)
        existing = (
            Recognition.objects.select_for_update()
            .select_related("initiative", "official__local_government", "local_government")
            .filter(initiative=batch.initiative, **holder)
            .first()
        )
        if existing is not None:
            if existing.pk != item.recognition_id and (
                existing.pdf or existing.status != RecognitionStatus.ISSUED
            ):
                item.status, item.recognition = ItemStatus.SKIPPED, existing
                item.save(update_fields=["status", "recognition"])
                return None
            if item.recognition_id != existing.pk:
                item.recognition = existing
                item.save(update_fields=["recognition"])
            return existing
        if item.kind == RecognitionKind.PERSON:
            holder_name, language = item.official.full_name, item.official.language
        else:
            holder_name, language = item.local_government.name, government_language(item.local_government)
        try:
            with transaction.atomic():
                recognition = Recognition.objects.create(
                    initiative=batch.initiative,
                    holder_name=holder_name,
                    language=batch.language or language,
                    issued_at=timezone.now(),
                    issued_by=batch.requested_by,
                    **holder,
                )
        except IntegrityError:
            # Another issuance created it between our look-up and our insert: take theirs.
            recognition = Recognition.objects.select_for_update().get(initiative=batch.initiative, **holder)
        item.recognition = recognition
        item.save(update_fields=["recognition"])
    return Recognition.objects.select_related(
        "initiative", "official__local_government", "local_government"
    ).get(pk=recognition.pk)


def store_pdf(recognition, pdf):
    """Save `pdf` as the recognition's file with its SHA-256, unless it already has one (then keep that)."""
    with transaction.atomic():
        locked = Recognition.objects.select_for_update().get(pk=recognition.pk)
        if not locked.pdf:
            locked.pdf.save(f"{locked.initiative_id}/{locked.code}.pdf", ContentFile(pdf), save=False)
            locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            locked.save(update_fields=["pdf", "pdf_sha256", "updated"])
    recognition.pdf, recognition.pdf_sha256 = locked.pdf, locked.pdf_sha256
    return recognition


def _fail(item, message):
    IssuanceItem.objects.filter(pk=item.pk).update(status=ItemStatus.FAILED, error=message[:2000])


def _finish(item, recognition, *, pdf):
    IssuanceItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.ISSUED, recognition=recognition, error=""
    )
    if item.emailed_at is not None:
        return
    try:
        if pdf is None:
            with recognition.pdf.open("rb") as handle:
                pdf = handle.read()
        sent = send_recognition_email(recognition, pdf)
    except Exception as error:
        logger.exception("E-mail of recognition %s failed", recognition.pk)
        _fail(
            item,
            _("The recognition was issued, but its e-mail could not be sent: %(error)s") % {"error": error},
        )
        return
    if sent:
        IssuanceItem.objects.filter(pk=item.pk).update(emailed_at=timezone.now())


# E-mail


def recipients(recognition):
    """Who hears of a recognition: the person; for a government, its recognized (else invited) officials."""
    if recognition.kind == RecognitionKind.PERSON:
        return [recognition.official.email]
    officials = Official.objects.filter(local_government=recognition.local_government)
    recognized = officials.filter(
        recognitions__initiative=recognition.initiative,
        recognitions__kind=RecognitionKind.PERSON,
        recognitions__status=RecognitionStatus.ISSUED,
    )
    chosen = (
        recognized
        if recognized.exists()
        else officials.filter(invitations__initiative=recognition.initiative)
    )
    return sorted(set(chosen.values_list("email", flat=True)))


def _mail_context(recognition):
    from .pdf import verification_url

    return {"recognition": recognition, "verify_url": verification_url(recognition.code)}


def send_recognition_email(recognition, pdf):
    to = recipients(recognition)
    if not to:
        return False
    with translation.override(recognition.language):
        context = _mail_context(recognition)
        subject = render_to_string("certificates/email/issued_subject.txt", context).strip()
        body = render_to_string("certificates/email/issued_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=to)
    message.attach(f"{recognition.code}.pdf", pdf, "application/pdf")
    message.send()
    return True


def send_revocation_email(recognition):
    to = recipients(recognition)
    if not to:
        return False
    with translation.override(recognition.language):
        context = _mail_context(recognition)
        subject = render_to_string("certificates/email/revoked_subject.txt", context).strip()
        body = render_to_string("certificates/email/revoked_body.txt", context)
    EmailMessage(subject=subject, body=body, to=to).send()
    return True


# Revocation


def revoke_recognition(*, recognition, reason, by):
    """Revoke a recognition, keeping it: its code then verifies as revoked, with the date and `reason`.

    Side effects: saves the revocation (who, when, why) and, once committed, queues the e-mail to the holder.
    """
    from .tasks import notify_revocation

    _require_regional(by)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(
            _("Say why the recognition is revoked: the reason is shown to whoever verifies it.")
        )
    with transaction.atomic():
        locked = Recognition.objects.select_for_update().get(pk=recognition.pk)
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
        transaction.on_commit(lambda: notify_revocation.enqueue(locked.pk))
    return locked
