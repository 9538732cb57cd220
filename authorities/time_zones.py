"""An official's time zone from their country: the capital's where a country has several (Brazil: Brasília,
on São Paulo's time), so that an official of Lima does not see Buenos Aires' hours until they change it."""

from django.conf import settings

# IANA zones of the capitals, for the countries the initiative reaches (South America) and its neighbours.
COUNTRY_TIME_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "BO": "America/La_Paz",
    "BR": "America/Sao_Paulo",
    "CL": "America/Santiago",
    "CO": "America/Bogota",
    "EC": "America/Guayaquil",
    "FK": "Atlantic/Stanley",
    "GF": "America/Cayenne",
    "GY": "America/Guyana",
    "PE": "America/Lima",
    "PY": "America/Asuncion",
    "SR": "America/Paramaribo",
    "UY": "America/Montevideo",
    "VE": "America/Caracas",
    "MX": "America/Mexico_City",
    "GT": "America/Guatemala",
    "HN": "America/Tegucigalpa",
    "SV": "America/El_Salvador",
    "NI": "America/Managua",
    "CR": "America/Costa_Rica",
    "PA": "America/Panama",
    "CU": "America/Havana",
    "DO": "America/Santo_Domingo",
    "HT": "America/Port-au-Prince",
    "TT": "America/Port_of_Spain",
}


def country_time_zone(country):
    """The time zone of `country` (a code or a django-countries Country), the portal's when not known."""
    code = getattr(country, "code", country) or ""
    return COUNTRY_TIME_ZONES.get(code.upper(), settings.TIME_ZONE)
