from django.db import models
from django.utils.translation import gettext_lazy as _


class RecognitionKind(models.TextChoices):
    PERSON = "person", _("Certificate of a person")
    GOVERNMENT = "government", _("Recognition of a local government")


class RecognitionStatus(models.TextChoices):
    ISSUED = "issued", _("Valid")
    REVOKED = "revoked", _("Revoked")
