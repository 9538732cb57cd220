from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    """The project's own package as an app, so that its system checks are registered."""

    name = "alp_portal"
    verbose_name = "ALP Portal"

    def ready(self):
        from . import (
            access,
            checks,  # noqa: F401  (registers the checks)
            logs,
        )

        logs.connect()  # the task start/finish lines
        access.connect()  # a change of someone's access starts a new generation of the kept facts


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site (alp_portal/admin_site.py) as `admin.site`."""

    default = False  # "alp_portal" itself is PortalConfig
    default_site = "alp_portal.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()  # every app's admin registered
        from django.contrib import admin

        from .admin_filters import follow_filtered_models
        from .admin_reads import follow_listed_models

        follow_filtered_models(admin.site)
        follow_listed_models(admin.site)
