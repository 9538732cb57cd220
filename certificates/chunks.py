"""An issuance batch split into chunks that any worker takes, so that one batch uses every worker.

`run_issuance` (the task queued when a batch starts or is resumed) queues up to MAX_TASKS `issue_chunks` tasks.
Each of them drains the batch: it takes a chunk of pending items nobody holds (marking them `claimed_at`,
skipping rows another worker is taking at that instant), issues it (services._process_chunk), records the
batch's progress, and takes the next, until none is left. With two workers, two of these tasks run at once on
one batch; the others find nothing and end.

A worker that dies holds its chunk: after lease() those items may be taken again. A task that finds nothing to
take while items are still held queues one more `issue_chunks` for when the oldest hold expires (one at a time
per batch, `recheck_at`), so a batch finishes without anyone resuming it. Should the dead worker's chunk have
been half done, the chunk's usual guards hold: one recognition per holder (the database refuses a second),
one PDF (the first recorded wins), one e-mail (claimed right before sending).

Progress is counted from the items' statuses under the batch's row lock, so the last count written is exact;
the batch is finished by the count that finds nothing pending.
"""

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Now
from django.utils import timezone

from .enums import BatchStatus, ItemStatus
from .models import IssuanceBatch, IssuanceItem

logger = logging.getLogger(__name__)

CHUNK_SIZE = 50  # recognitions rendered as one PDF batch; small enough that memory stays flat
MAX_TASKS = 16  # tasks queued per batch: as many workers as this can work on one batch at once


def lease():
    """How long a worker holds the chunk it took (ALP_ISSUANCE_LEASE_SECONDS): a chunk takes a few seconds to
    render and store, after which its items are no longer pending."""
    return timedelta(seconds=settings.ISSUANCE_LEASE_SECONDS)


def queue_chunk_tasks(*, batch_id):
    """Queue the tasks that drain the batch: one per chunk of its pending items, at most MAX_TASKS. Returns how
    many were queued."""
    from .tasks import issue_chunks

    pending = IssuanceItem.objects.filter(batch_id=batch_id, status=ItemStatus.PENDING).count()
    count = min(math.ceil(pending / CHUNK_SIZE), MAX_TASKS)
    for _ in range(count):
        issue_chunks.enqueue(batch_id)
    if not count:
        refresh_progress(batch_id=batch_id)  # nothing pending: finished
    return count


def take_chunk(*, batch_id, size=CHUNK_SIZE):
    """Claim up to `size` pending items of the batch that no worker holds (or whose hold is older than lease()),
    in item order; returns them with what rendering needs."""
    with transaction.atomic():
        ids = list(
            IssuanceItem.objects.select_for_update(skip_locked=True)
            .filter(batch_id=batch_id, status=ItemStatus.PENDING)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=Now() - lease()))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        IssuanceItem.objects.filter(pk__in=ids).update(claimed_at=Now())
    return list(
        IssuanceItem.objects.filter(pk__in=ids)
        .select_related("official__local_government", "local_government")
        .order_by("pk")
    )


def refresh_progress(*, batch_id):
    """Count the batch's items by status under its row lock and write the counts (also the heartbeat); the
    count that finds nothing pending finishes the batch. Returns True when finished."""
    with transaction.atomic():
        IssuanceBatch.objects.select_for_update().filter(pk=batch_id).values_list("pk", flat=True).get()
        counts = IssuanceItem.objects.filter(batch_id=batch_id).aggregate(
            done=Count("pk", filter=Q(status=ItemStatus.ISSUED)),
            skipped=Count("pk", filter=Q(status=ItemStatus.SKIPPED)),
            failed=Count("pk", filter=Q(status=ItemStatus.FAILED)),
            pending=Count("pk", filter=Q(status=ItemStatus.PENDING)),
        )
        finished = counts.pop("pending") == 0
        extra = {"status": BatchStatus.FINISHED, "finished_at": timezone.now()} if finished else {}
        IssuanceBatch.objects.filter(pk=batch_id).exclude(status=BatchStatus.FINISHED).update(
            **counts, **extra, updated=Now()
        )
    return finished


def recheck_later(*, batch_id):
    """Items of the batch are still held by other workers: look again when the oldest hold expires (queued once
    per batch at a time). Only with a backend that can run a task later (the database worker's)."""
    from .tasks import issue_chunks

    if not issue_chunks.get_backend().supports_defer:
        return None
    oldest = IssuanceItem.objects.filter(
        batch_id=batch_id, status=ItemStatus.PENDING, claimed_at__isnull=False
    ).aggregate(oldest=Min("claimed_at"))["oldest"]
    if oldest is None:
        return None
    when = oldest + lease() + timedelta(seconds=1)
    scheduled = (
        IssuanceBatch.objects.filter(pk=batch_id)
        .filter(Q(recheck_at__isnull=True) | Q(recheck_at__lt=Now()))
        .update(recheck_at=when)
    )
    if scheduled:
        issue_chunks.using(run_after=when).enqueue(batch_id)
        logger.info("Issuance %s: items held by another worker; looking again at %s", batch_id, when.isoformat())
    return when if scheduled else None
