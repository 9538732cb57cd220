"""Writes of the mapping: recording an export, and storing a checked import all or nothing."""

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ExportLog


class ImportRefused(Exception):
    """An import that cannot be stored; the message says what to fix. Nothing was written."""


def record_export(*, user, kind, country="", rows, file_format, initiative=None):
    """Log who exported what: the kind of list, the country (empty: all the user may see), the rows."""
    return ExportLog.objects.create(
        user=user, kind=kind, country=country or "", rows=rows, file_format=file_format, initiative=initiative
    )


def import_mapping(*, plan):
    """Store the new and updated rows of a checked `authorities.imports.ImportPlan`, all of them or none.

    Returns (created, updated). Raises ImportRefused, with nothing written, when the plan has invalid rows or
    the database refuses a row.
    """
    if not plan.is_valid:
        raise ImportRefused(_("The file has rows with errors: correct them and upload the file again."))
    resource = plan.resource()
    dataset = plan.dataset(resource)
    if not len(dataset):
        return 0, 0
    try:
        with transaction.atomic():
            result = resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    except Exception as error:  # the database refused a row: nothing was stored
        raise ImportRefused(
            _("Nothing was imported: the database refused a row (%(error)s). Correct the file and try again.")
            % {"error": error}
        ) from error
    return result.totals["new"], result.totals["update"]
