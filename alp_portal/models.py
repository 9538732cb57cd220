from django.contrib.admin.models import LogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _


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
