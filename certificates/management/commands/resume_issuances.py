"""Queue again every issuance left unfinished, for example after its worker was killed.

Meant for the start of the workers, when none is running: unlike the admin's "Resume", it does not wait for
a batch's heartbeat to go quiet. Run while a worker is still on a batch, it only queues a second task that
races the first, harmlessly: an issuance never issues twice (the database allows one recognition per holder
and initiative, items are locked while they are claimed) and every item is claimed before its e-mail.
"""

from django.core.management.base import BaseCommand

from certificates.enums import BatchStatus
from certificates.models import IssuanceBatch
from certificates.services import enqueue_issuance
from certificates.tasks import run_issuance


class Command(BaseCommand):
    help = "Queue again every issuance of recognitions that has not finished."

    def handle(self, *args, **options):
        unfinished = IssuanceBatch.objects.exclude(status=BatchStatus.FINISHED).order_by("pk")
        count = 0
        for batch in unfinished:
            enqueue_issuance(run_issuance, batch.pk)
            count += 1
        self.stdout.write(f"{count} unfinished issuances queued again.")
