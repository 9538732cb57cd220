"""What an official prefers: the interface follows their language (LocaleMiddleware reads the language cookie)
and dates show in their time zone."""

from django.conf import settings
from django.utils import translation


def set_language_cookie(response, language):
    """Make the next requests of this browser use `language`, and the rest of this one too."""
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def time_zone_name(official):
    """The official's time zone, or the portal's when they gave none (or an unknown one)."""
    import zoneinfo

    name = (official.time_zone if official is not None else "") or settings.TIME_ZONE
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return settings.TIME_ZONE
    return name
