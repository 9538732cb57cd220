from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Recognitions")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .eligibility import follow_official_attendance

        follow_official_attendance()  # in every process: a worker's change is seen by the web's next home page
