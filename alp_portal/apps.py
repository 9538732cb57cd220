from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project's own package as an app, so that its system checks are registered."""

    name = "alp_portal"
    verbose_name = "ALP Portal"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the checks)
            logs,
        )

        logs.connect()  # the task start/finish lines
