from django.db import models
from django.utils.translation import gettext_lazy as _


class RecognitionKind(models.TextChoices):
    PERSON = "person", _("Certificate of a person")
    GOVERNMENT = "government", _("Recognition of a local government")


class RecognitionStatus(models.TextChoices):
    ISSUED = "issued", _("Valid")
    REVOKED = "revoked", _("Revoked")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ISSUED = "issued", _("Issued")
    SKIPPED = "skipped", _("Already issued")
    FAILED = "failed", _("Failed")
