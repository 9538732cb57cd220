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
    KNOWLEDGE = "knowledge", _("Knowledge gain and satisfaction")

    @property
    def url_name(self):
        """The name of the piece's page (initiative/urls.py)."""
        return "initiative:questionnaires" if self == Piece.KNOWLEDGE else f"initiative:{self.value}"


class DataLicence(models.TextChoices):
    """Licences for an initiative's open data, chosen by regional staff."""

    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA_4 = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0_1 = "CC0-1.0", _("Creative Commons Zero 1.0 (CC0, public domain)")
    ODBL_1 = "ODbL-1.0", _("Open Database License 1.0 (ODbL)")

    @property
    def url(self):
        return LICENCE_URLS[self.value]


LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
