"""Writes of the certificates app: eligibility overrides and issuance (revocation: revocation.py; e-mails:
emails.py). Each checks who asks."""

import hashlib
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alp_portal import audit
from alp_portal.generations import written_in_bulk
from alp_portal.roles import is_regional_staff
from authorities.models import Official
from initiative.enums import Language

from .chunks import CHUNK_SIZE, recheck_later, refresh_progress, take_chunk
from .credentials import issue_credentials
from .eligibility import eligibility_rows, eligible_governments
from .emails import send_recognition_email
from .enums import BatchStatus, FailureKind, ItemStatus, RecognitionKind, RecognitionStatus
from .keys import signing_key
from .models import EligibilityOverride, IssuanceBatch, IssuanceItem, Recognition

logger = logging.getLogger(__name__)


# The language of a government's recognition: the country's (Portuguese in Brazil, English in Guyana and
# Suriname, Spanish elsewhere in South America). A person's certificate is in the person's own language.
COUNTRY_LANGUAGES = {"BR": Language.PORTUGUESE, "GY": Language.ENGLISH, "SR": Language.ENGLISH}


class CertificateError(Exception):
    """Something that cannot be done, with a message a person can act on."""


def require_regional(user):
    if not is_regional_staff(user):
        raise PermissionDenied(_("Only the regional office issues, overrides and revokes recognitions."))


def government_language(government):
    return COUNTRY_LANGUAGES.get(government.country.code, Language.SPANISH)


# Overrides


def set_eligibility_override(*, initiative, official, eligible, reason, by):
    """Record that `official` is (or is not) eligible whatever attendance says; `eligible=None` removes it.

    Returns the override, or None when it was removed.
    """
    require_regional(by)
    with transaction.atomic():
        if eligible is None:
            EligibilityOverride.objects.filter(initiative=initiative, official=official).delete()
            audit.record(
                event="eligibility-override",
                by=by,
                obj=official,
                decision=gettext_lazy("Override removed: attendance decides"),
                initiative=initiative,
            )
            return None
        reason = (reason or "").strip()
        if not reason:
            raise CertificateError(_("Say why: the reason is recorded and shown with the decision."))
        override, _created = EligibilityOverride.objects.update_or_create(
            initiative=initiative,
            official=official,
            defaults={"eligible": eligible, "reason": reason, "decided_by": by},
        )
        audit.record(
            event="eligibility-override",
            by=by,
            obj=official,
            reason=reason,
            decision=gettext_lazy("Eligible whatever attendance says")
            if eligible
            else gettext_lazy("Not eligible whatever attendance says"),
            initiative=initiative,
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

    require_regional(by)
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
        audit.record(event="issuance", by=by, obj=batch, total=batch.total)
        transaction.on_commit(lambda: enqueue_issuance(run_issuance, batch.pk))
    return batch


def enqueue_issuance(task, batch_id):
    result = task.enqueue(batch_id)
    IssuanceBatch.objects.filter(pk=batch_id).update(task_id=str(result.id)[:64])
    return result


# A running batch records progress after every chunk (a few seconds): one silent this long has lost its worker.
STALLED_AFTER = timedelta(minutes=5)


def resume_issuance(*, batch, by):
    """Queue again a batch left unfinished (a worker stopped) or with failures to retry. Refused while the
    batch is visibly queued or running (its heartbeat, on the database's clock, within STALLED_AFTER): a
    second worker on it would only race the first. The batch row is locked, so two clicks queue one task."""
    from .tasks import run_issuance

    require_regional(by)
    with transaction.atomic():
        locked = IssuanceBatch.objects.select_for_update().get(pk=batch.pk)
        busy = IssuanceBatch.objects.filter(
            pk=batch.pk,
            status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING],
            updated__gt=Now() - STALLED_AFTER,
        ).exists()
        if busy:
            raise CertificateError(
                _(
                    "This issuance is queued or running: its last progress was at %(time)s. Resume it only if it "
                    "makes no progress for five minutes."
                )
                % {"time": formats.time_format(timezone.localtime(locked.updated), "TIME_FORMAT")}
            )
        retried = IssuanceItem.objects.filter(batch=batch, status=ItemStatus.FAILED).update(
            status=ItemStatus.PENDING, failure="", error="", claimed_at=None
        )
        # Silent for STALLED_AFTER: whatever its workers held, they hold no longer.
        IssuanceItem.objects.filter(batch=batch, status=ItemStatus.PENDING).update(claimed_at=None)
        if not retried and not IssuanceItem.objects.filter(batch=batch, status=ItemStatus.PENDING).exists():
            raise CertificateError(_("This issuance has nothing left to do."))
        IssuanceBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.QUEUED, finished_at=None, recheck_at=None, updated=Now()
        )
        transaction.on_commit(lambda: enqueue_issuance(run_issuance, batch.pk))


def _heartbeat(batch):
    IssuanceBatch.objects.filter(pk=batch.pk).update(updated=Now())


def process_issuance(*, batch_id, chunk_size=CHUNK_SIZE):
    """Drain a batch: take a chunk of its pending items that no worker holds, issue it, record the progress,
    and again, until none is left to take. Any number of these run at once, on any workers (see chunks.py);
    safe to run again on a finished batch (it changes nothing).

    Side effects, per item: a Recognition row, pending until its PDF is stored (one per person or government
    and initiative: the database refuses a second), then valid together with its PDF and SHA-256, an e-mail to
    the holder; the batch's counts after every chunk, and its end. A failing item is marked with its reason
    (its recognition stays pending, for a resume to finish) and the others go on. Items still held by another
    worker when none is left to take are looked at again once their hold expires (chunks.recheck_later).
    """
    batch = IssuanceBatch.objects.select_related("initiative", "requested_by").get(pk=batch_id)
    if batch.status == BatchStatus.FINISHED:
        return batch
    IssuanceBatch.objects.filter(pk=batch.pk).exclude(status=BatchStatus.FINISHED).update(
        status=BatchStatus.RUNNING, started_at=batch.started_at or timezone.now(), updated=Now()
    )
    while chunk := take_chunk(batch_id=batch.pk, size=chunk_size):
        try:
            _process_chunk(batch, chunk)
        except Exception as error:  # whatever it was, say so on the items and go on with the next chunk
            logger.exception("A chunk of issuance %s failed", batch.pk)
            IssuanceItem.objects.filter(pk__in=[item.pk for item in chunk], status=ItemStatus.PENDING).update(
                status=ItemStatus.FAILED, failure=FailureKind.UNEXPECTED, error=str(error)[:2000]
            )
        refresh_progress(batch_id=batch.pk)
    if not refresh_progress(batch_id=batch.pk):
        recheck_later(batch_id=batch.pk)
    batch.refresh_from_db()
    if batch.status == BatchStatus.FINISHED:
        from initiative.report import refresh_public_reports_on_commit

        refresh_public_reports_on_commit(batch.initiative_id)
    return batch


def _process_chunk(batch, items):
    """Claim, render, store and announce one chunk: a few transactions for the whole chunk, its PDFs
    rendered as one batch (pdf.render_recognition_pdfs). Should anything fail for the chunk as a whole, its
    items go one by one."""
    from .pdf import render_recognition_pdf, render_recognition_pdfs

    try:
        claimed = _claim_chunk(batch, items)
    except IntegrityError:
        # Another issuance created some of these recognitions meanwhile: take them one at a time.
        claimed = []
        for item in items:
            try:
                recognition = _claim_recognition(batch, item)
            except Exception as error:  # a failure of one item must not stop the others
                logger.exception("Issuance item %s failed", item.pk)
                _fail(item, FailureKind.RECORD, error)
                continue
            if recognition is not None:
                item.recognition_id = recognition.pk  # as the database now has it
                claimed.append((item, recognition))
    finished = [(item, recognition, None) for item, recognition in claimed if recognition.pdf]
    to_render = [(item, recognition) for item, recognition in claimed if not recognition.pdf]
    if to_render:
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
        rendered = []
        for (item, recognition), pdf in zip(to_render, pdfs, strict=True):
            if isinstance(pdf, Exception):
                _fail(item, FailureKind.RENDER, pdf)
            else:
                rendered.append((item, recognition, pdf))
        recorded, lost = _store_chunk(rendered)
        finished += recorded
        if lost:
            # Another worker recorded these PDFs first. Where it works for another issuance of the same people,
            # the recognition is that issuance's, to mark issued and to announce: ours are skipped. Where it
            # works on this same item (this batch run twice at once), that worker finishes the item: ours is
            # left as it is (should that worker die, resuming finds the PDF and finishes the item).
            contested = set(
                IssuanceItem.objects.filter(recognition__in=[item.recognition_id for item in lost])
                .exclude(batch=batch)
                .values_list("recognition_id", flat=True)
            )
            IssuanceItem.objects.filter(
                pk__in=[item.pk for item in lost if item.recognition_id in contested], status=ItemStatus.PENDING
            ).update(status=ItemStatus.SKIPPED)
    finished_ids = [item.pk for item, _r, _pdf in finished]
    _heartbeat(batch)  # rendered and stored: the e-mails may take a while (each can wait for the mail server)
    _issue_credentials([recognition for _item, recognition, _pdf in finished])
    # The chunk's hold renewed for its e-mails. Its items are issued once announced: a worker stopped before
    # that leaves them pending, and whoever takes them next finds the PDFs and sends only the e-mails not sent.
    IssuanceItem.objects.filter(pk__in=finished_ids, status=ItemStatus.PENDING).update(claimed_at=Now())
    for item, recognition, pdf in finished:
        _announce(item, recognition, pdf)
    IssuanceItem.objects.filter(pk__in=finished_ids, status=ItemStatus.PENDING).update(
        status=ItemStatus.ISSUED, failure="", error=""
    )


def _issue_credentials(recognitions):
    """Give each recognition of the chunk its Open Badges credential, before its e-mail (which links to it).
    Without a signing key, or should signing fail, the recognition stands without one (logged): `manage.py
    issue_credentials` gives it later."""
    if not recognitions or signing_key() is None:
        return
    try:
        issue_credentials(recognitions=recognitions)
    except Exception:
        logger.exception("The Open Badges credentials of a chunk could not be issued")


def _holder_key(kind, official_id, local_government_id):
    return (kind, official_id if kind == RecognitionKind.PERSON else local_government_id)


def _claim_chunk(batch, items):
    """In one transaction: lock the chunk's pending items and find or create their recognitions.

    Returns [(item, recognition)] to render or announce; items whose holder already had a recognition from
    another issuance are marked skipped. Raises IntegrityError (and changes nothing) if another issuance
    created one of them meanwhile.
    """
    with transaction.atomic():
        locked = list(
            IssuanceItem.objects.select_for_update(of=("self",))
            .filter(pk__in=[item.pk for item in items], status=ItemStatus.PENDING)
            .select_related("official__local_government", "local_government")
            .order_by("pk")
        )
        people = [item.official_id for item in locked if item.kind == RecognitionKind.PERSON]
        governments = [item.local_government_id for item in locked if item.kind == RecognitionKind.GOVERNMENT]
        existing = {
            _holder_key(r.kind, r.official_id, r.local_government_id): r
            for r in Recognition.objects.select_for_update(of=("self",))
            .filter(initiative=batch.initiative)
            .filter(
                Q(kind=RecognitionKind.PERSON, official__in=people)
                | Q(kind=RecognitionKind.GOVERNMENT, local_government__in=governments)
            )
            .select_related("official__local_government", "local_government")
        }
        # Recognitions another issuance has already issued (and announced): ours skip them, even where our
        # item had claimed the recognition first (then failed, or was stopped) and is resumed now.
        issued_elsewhere = set(
            IssuanceItem.objects.filter(recognition__in=[r.pk for r in existing.values()], status=ItemStatus.ISSUED)
            .exclude(batch=batch)
            .values_list("recognition_id", flat=True)
        )
        claimed, created, skipped, now = [], [], [], timezone.now()
        for item in locked:
            recognition = existing.get(_holder_key(item.kind, item.official_id, item.local_government_id))
            if recognition is not None:
                if (
                    recognition.pk in issued_elsewhere
                    or recognition.status == RecognitionStatus.REVOKED  # revoked meanwhile: never announced
                    or (recognition.pk != item.recognition_id and recognition.status != RecognitionStatus.PENDING)
                ):
                    item.status, item.recognition = ItemStatus.SKIPPED, recognition
                    skipped.append(item)
                    continue
            else:
                if item.kind == RecognitionKind.PERSON:
                    name, language = item.official.full_name, item.official.language
                else:
                    name, language = item.local_government.name, government_language(item.local_government)
                recognition = Recognition(
                    initiative=batch.initiative,
                    kind=item.kind,
                    official=item.official,
                    local_government=item.local_government,
                    holder_name=name,
                    language=batch.language or language,
                    issued_at=now,
                    issued_by=batch.requested_by,
                )
                created.append(recognition)
            claimed.append((item, recognition))
        Recognition.objects.bulk_create(created)
        written_in_bulk(Recognition)  # no signal: what is kept of them (an official's home) is stale
        for item, recognition in claimed:
            recognition.initiative = batch.initiative
            item.recognition = recognition
        IssuanceItem.objects.bulk_update([item for item, _r in claimed] + skipped, ["recognition", "status"])
    return claimed


def _store_chunk(rendered):
    """Write each PDF through the default storage, then, in one transaction, record names and digests and make
    the recognitions valid: a recognition is never valid without its stored PDF. Should the transaction fail,
    the recognitions stay pending (invisible) and their items are retried on resume; the files written are
    strays (manage.py remove_stray_pdfs).

    Returns ([(item, recognition, pdf)] recorded, [item] lost): a recognition that meanwhile got its PDF from
    another worker keeps that one (ours is deleted) and its item is lost to that worker."""
    written = []
    for item, recognition, pdf in rendered:
        try:
            name = default_storage.save(
                f"recognitions/{recognition.initiative_id}/{recognition.code}.pdf", ContentFile(pdf)
            )
        except Exception as error:
            logger.exception("Storing the PDF of recognition %s failed", recognition.pk)
            _fail(item, FailureKind.STORE, error)
            continue
        written.append((item, recognition, pdf, name))
    if not written:
        return [], []
    stale, lost, now = [], [], timezone.now()
    with transaction.atomic():
        current = {
            r.pk: r
            for r in Recognition.objects.select_for_update()
            .filter(pk__in=[w[1].pk for w in written])
            .only("pk", "pdf", "status")
        }
        changed = []
        for item, recognition, pdf, name in written:
            if current[recognition.pk].pdf or current[recognition.pk].status != RecognitionStatus.PENDING:
                stale.append(name)
                lost.append(item)
                continue
            recognition.pdf, recognition.pdf_sha256 = name, hashlib.sha256(pdf).hexdigest()
            recognition.status, recognition.updated = RecognitionStatus.ISSUED, now
            changed.append(recognition)
        Recognition.objects.bulk_update(changed, ["pdf", "pdf_sha256", "status", "updated"])
        written_in_bulk(Recognition)  # issued now: valid on every page
    for name in stale:
        default_storage.delete(name)
    lost_ids = {item.pk for item in lost}
    return [(item, recognition, pdf) for item, recognition, pdf, _name in written if item.pk not in lost_ids], lost


def _announce(item, recognition, pdf):
    """E-mail the holder unless this item's e-mail went out already; True when a mail went out.

    The item is claimed for its e-mail right before sending (emailed_at set where still empty), so that two
    workers on one batch send one e-mail, not two; a failed send lets the claim go and marks the item failed,
    for a resume to try again. (A worker killed between the claim and the send loses that one e-mail.)"""
    if item.emailed_at is not None:
        return False
    if not IssuanceItem.objects.filter(pk=item.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return False  # another worker sent it, or is sending it
    try:
        if pdf is None:
            with recognition.pdf.open("rb") as handle:
                pdf = handle.read()
        sent = send_recognition_email(recognition, pdf)
    except Exception as error:
        logger.exception("E-mail of recognition %s failed", recognition.pk)
        IssuanceItem.objects.filter(pk=item.pk).update(emailed_at=None)
        _fail(item, FailureKind.EMAIL, error)
        return False
    if not sent:  # nobody to write to
        IssuanceItem.objects.filter(pk=item.pk).update(emailed_at=None)
    return sent


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
            Recognition.objects.select_for_update(of=("self",))
            .select_related("initiative", "official__local_government", "local_government")
            .filter(initiative=batch.initiative, **holder)
            .first()
        )
        if existing is not None:
            issued_elsewhere = (
                IssuanceItem.objects.filter(recognition=existing, status=ItemStatus.ISSUED)
                .exclude(batch=batch)
                .exists()
            )
            if (
                issued_elsewhere
                or existing.status == RecognitionStatus.REVOKED
                or (existing.pk != item.recognition_id and existing.status != RecognitionStatus.PENDING)
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
    return Recognition.objects.select_related("initiative", "official__local_government", "local_government").get(
        pk=recognition.pk
    )


def _fail(item, failure, error):
    """Mark `item` failed: what failed (shown in the reader's language) and the error as the system gave it."""
    IssuanceItem.objects.filter(pk=item.pk).update(status=ItemStatus.FAILED, failure=failure, error=str(error)[:2000])
