from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativeConfig(AppConfig):
    name = "initiative"
    verbose_name = _("Initiative")

    def ready(self):
        from .home import follow_home_reads

        follow_home_reads()  # in every process: a worker's change is seen by the web's next home page
