"""After rows were changed outside the portal's code (by hand in psql, a restore of some tables), every value kept
in the shared cache until its rows change is stale: start new generations of them all (alp_portal/generations.py)."""

from django.apps import apps
from django.core.management.base import BaseCommand

from alp_portal.generations import written_in_bulk


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        written_in_bulk(*apps.get_models(include_auto_created=True))
        self.stdout.write("Every value kept in the shared cache will be read again from the database.")
