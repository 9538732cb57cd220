"""Who is asking: the three roles of the portal, kept on the user object for the request.

- regional staff: staff users in the "Regional staff" group (or superusers); they see everything;
- country office staff: staff users attached to one or more `authorities.CountryOffice`; they see their
  countries only;
- officials: users linked to an `authorities.Official`; they never reach the admin.

The facts behind them (groups, country offices) are kept between requests by alp_portal/access.py, which
imports no app either, so that every app may use this module.
"""

from .access import REGIONAL_STAFF_GROUP, access

__all__ = ["REGIONAL_STAFF_GROUP", "is_country_staff", "is_regional_staff", "is_staff_member", "staff_countries"]


def is_regional_staff(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return access(user).regional


def staff_countries(user):
    """The ISO codes of the countries whose office this staff user belongs to (empty for anyone else)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    return access(user).countries


def is_country_staff(user):
    return bool(staff_countries(user)) and not is_regional_staff(user)


def is_staff_member(user):
    return is_regional_staff(user) or is_country_staff(user)
