"""System checks of the portal's own settings, run by `manage.py check --deploy`."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """SITE_URL is where every link the portal sends points: a deployment's must be its own public address."""
    parts = urlsplit(settings.SITE_URL)
    issues = []
    if parts.hostname in LOCAL_HOSTS:
        issues.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL}: invitation links, QR codes and e-mails would point to this "
                "machine, not to the portal.",
                hint="Set SITE_URL to the portal's public address, such as https://alp.example.org.",
                id="alp_portal.W001",
            )
        )
    elif parts.scheme != "https":
        issues.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL}: links sent by the portal would not use HTTPS.",
                hint="Set SITE_URL to the portal's https:// address.",
                id="alp_portal.W002",
            )
        )
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    if host and not validate_host(host, settings.ALLOWED_HOSTS):
        issues.append(
            Warning(
                f"SITE_URL's host {parts.hostname} is not in ALLOWED_HOSTS: the links the portal sends would be "
                "refused.",
                hint="Add it to DJANGO_ALLOWED_HOSTS, or correct SITE_URL.",
                id="alp_portal.W003",
            )
        )
    return issues
