from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The stages of an initiative, in the order they happen. Moves go forward only."""

    MAPPING = "mapping", _("Mapping and invitations")
    LAUNCH = "launch", _("Launch")
    WORKSHOP = "workshop", _("Workshop")
    CERTIFICATION = "certification", _("Certification")
    DISSEMINATION = "dissemination", _("Dissemination")

    @classmethod
    def order(cls):
        return list(cls)

    def next(self):
        stages = list(Stage)
        index = stages.index(self)
        return stages[index + 1] if index + 1 < len(stages) else None

    def position(self):
        return list(Stage).index(self)


class ResourceKind(models.TextChoices):
    HANDBOOK = "handbook", _("Handbook")
    PRESENTATION = "presentation", _("Presentation")
    RECORDING = "recording", _("Recording")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt-br", _("Portuguese (Brazil)")
    ENGLISH = "en", _("English")


class Piece(models.TextChoices):
    """The pieces of the dissemination stage that staff publish or withdraw, each on its own."""

    AUTOMAPEO = "automapeo", _("Automapeo analysis")
    ALMI = "almi", _("Integrated Local Migration Agenda (ALMI)")
    RECOGNIZED = "recognized", _("Map and list of recognized authorities")
