"""Delete the recognition PDFs that no recognition points to, once they are old enough.

A worker killed between storing a PDF and recording it leaves that file behind; the resumed issuance stores
another. Deleting at once is not safe (another worker may be about to record the file it just stored), so
only files older than --older-than minutes go. Works through Django's storage API (local disk or object
storage alike).
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.models import Recognition

ROOT = "recognitions"


def stored_files(folder):
    """Every file under `folder` in the default storage, as storage names."""
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from stored_files(f"{folder}/{sub}")


class Command(BaseCommand):
    help = "Delete recognition PDFs that no recognition points to (left by a worker that was stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, metavar="MINUTES", help="default: 60")
        parser.add_argument("--dry-run", action="store_true", help="list them, delete nothing")

    def handle(self, *args, older_than, dry_run, **options):
        # Listed before the recognitions are read: a PDF stored and recorded in between is then known.
        try:
            files = list(stored_files(ROOT))
        except FileNotFoundError:  # no folder on disk (an object store has no folders: it lists nothing)
            files = []
        if not files:
            self.stdout.write("No recognition PDFs stored.")
            return
        known = set(Recognition.objects.exclude(pdf="").values_list("pdf", flat=True))
        cutoff = timezone.now() - timedelta(minutes=older_than)
        stray = [
            name
            for name in files
            if name not in known and name.endswith(".pdf") and default_storage.get_modified_time(name) < cutoff
        ]
        for name in stray:
            self.stdout.write(name)
            if not dry_run:
                default_storage.delete(name)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{len(stray)} stray PDFs {verb}; {len(known)} PDFs of recognitions kept.")
