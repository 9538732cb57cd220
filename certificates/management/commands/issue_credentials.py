"""Give an Open Badges credential to every recognition that has none (those issued before credentials were)."""

from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import CredentialError, issue_credentials
from certificates.models import Recognition

CHUNK = 200


class Command(BaseCommand):
    help = "Sign and keep the Open Badges 3.0 credential of every recognition that has none yet."

    def handle(self, *args, **options):
        total = 0
        while True:
            chunk = list(Recognition.objects.published().filter(credential__isnull=True).order_by("pk")[:CHUNK])
            if not chunk:
                break
            try:
                issued = issue_credentials(recognitions=chunk)
            except CredentialError as error:
                raise CommandError(str(error)) from None
            if not issued:
                break
            total += issued
        self.stdout.write(f"Credentials issued: {total}.")
