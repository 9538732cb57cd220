"""Delete the import previews nobody confirmed: uploaded mapping spreadsheets and participant reports still
waiting for confirmation, once older than --hours (24 by default). Run it daily (see the README)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from authorities.services import expire_mapping_uploads
from workshops.attendance import expire_attendance_imports


class Command(BaseCommand):
    help = "Delete the import previews (mapping spreadsheets, participant reports) never confirmed."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="Age of a preview that expires (default 24).")

    def handle(self, *args, hours, **options):
        older_than = timezone.now() - timedelta(hours=hours)
        mapping = expire_mapping_uploads(older_than=older_than)
        reports = expire_attendance_imports(older_than=older_than)
        self.stdout.write(
            f"{mapping} mapping spreadsheets and {reports} participant reports waiting since before "
            f"{older_than:%Y-%m-%d %H:%M} deleted."
        )
