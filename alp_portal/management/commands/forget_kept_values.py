"""After rows were changed outside the portal's code (by hand in psql, a restore of some tables), every value kept
in the shared cache until its rows change is stale: start new generations of them all (alp_portal/generations.py)."""

from django.core.management.base import BaseCommand

from alp_portal.generations import everything_written


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        everything_written()
        self.stdout.write("Every value kept in the shared cache will be read again from the database.")
