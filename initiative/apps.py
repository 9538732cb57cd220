from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativeConfig(AppConfig):
    name = "initiative"
    verbose_name = _("Initiative")
