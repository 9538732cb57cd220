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
    """The official's time zone: the one they chose, else their country's (rows loaded from fixtures may
    have none), else the portal's (no official, or an unknown zone)."""
    import zoneinfo

    from .time_zones import country_time_zone

    if official is None:
        return settings.TIME_ZONE
    name = official.time_zone or country_time_zone(official.local_government.country)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return settings.TIME_ZONE
    return name
