"""Deployment checks of the certificates app."""

from django.core.checks import Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(deploy=True)
def credential_signing_key(app_configs, **kwargs):
    """In production every recognition should get its Open Badges credential: that needs the signing key."""
    from .keys import published_public_keys, signing_key

    try:
        key = signing_key()
        published_public_keys()
    except ImproperlyConfigured as error:
        return [Warning(str(error), id="certificates.W002")]
    if key is None:
        return [
            Warning(
                "No credential signing key: recognitions are issued without their Open Badges credential.",
                hint="Run manage.py create_credential_key --output FILE and set ALP_CREDENTIAL_SIGNING_KEY_FILE.",
                id="certificates.W001",
            )
        ]
    return []
