from django.db import models
from django.utils.translation import gettext_lazy as _


class RecognitionKind(models.TextChoices):
    PERSON = "person", _("Certificate of a person")
    GOVERNMENT = "government", _("Recognition of a local government")


class RecognitionStatus(models.TextChoices):
    # Claimed by an issuance, its PDF not yet recorded: nobody outside the back office sees it. It becomes valid
    # only together with its stored PDF and digest, in one transaction (services._store_chunk).
    PENDING = "pending", _("Being issued")
    ISSUED = "issued", _("Valid")
    REVOKED = "revoked", _("Revoked")

    @classmethod
    def held_values(cls):
        """The states in which a holder has their recognition (one at most per initiative): not revoked."""
        return [cls.PENDING, cls.ISSUED]


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ISSUED = "issued", _("Issued")
    SKIPPED = "skipped", _("Already issued")
    FAILED = "failed", _("Failed")


class FailureKind(models.TextChoices):
    """What went wrong with an issuance item, stored as a code so that staff read it in their own language."""

    RECORD = "record", _("Could not record the recognition")
    RENDER = "render", _("The PDF could not be made")
    STORE = "store", _("The PDF could not be stored")
    EMAIL = "email", _("The recognition was issued, but its e-mail could not be sent")
    UNEXPECTED = "unexpected", _("Unexpected error")
