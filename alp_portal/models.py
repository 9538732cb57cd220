from django.contrib.admin.models import LogEntry
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def within(path, scope):
    """The rows whose `path` is in `scope` (another model's rows a user may see, from its `for_user`). When the scope
    is the whole table (regional staff's), no condition at all: a subquery of every row checks nothing and keeps
    the database from reading a deep page by an index (bench/staff_pages.py)."""
    if not scope.query.where:
        return ~Q(pk__in=[])  # every row: Django writes no condition for it (and it stays so in an OR)
    return Q(**{f"{path}__in": scope})


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(LogEntry):
    """An entry of the one audit trail (alp_portal/audit.py): Django's admin log, listed in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-action_time"]
