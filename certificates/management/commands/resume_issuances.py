"""Queue again every issuance left unfinished, for example after its worker was killed.

Meant for the start of the workers, when none is running: unlike the admin's "Resume", it does not wait for
a batch's heartbeat to go quiet, and it releases the chunks the stopped workers held. Run while a worker is
still on a batch, it only queues tasks that race that worker, harmlessly: an issuance never issues twice (the
database allows one recognition per holder and initiative, items are locked while they are claimed) and every
item is claimed before its e-mail. (Workers that keep running need no resume: a chunk held by a worker that
stopped is taken again after ALP_ISSUANCE_LEASE_SECONDS.)
"""

from django.core.management.base import BaseCommand

from certificates.enums import BatchStatus, ItemStatus
from certificates.models import IssuanceBatch, IssuanceItem
from certificates.services import enqueue_issuance
from certificates.tasks import run_issuance


class Command(BaseCommand):
    help = "Queue again every issuance of recognitions that has not finished."

    def handle(self, *args, **options):
        unfinished = IssuanceBatch.objects.exclude(status=BatchStatus.FINISHED).order_by("pk")
        # No worker runs now: whatever chunks the stopped ones held, they hold no longer.
        IssuanceItem.objects.filter(batch__in=unfinished, status=ItemStatus.PENDING).update(claimed_at=None)
        unfinished.update(recheck_at=None)
        count = 0
        for batch in unfinished:
            enqueue_issuance(run_issuance, batch.pk)
            count += 1
        self.stdout.write(f"{count} unfinished issuances queued again.")
