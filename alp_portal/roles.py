"""Who is asking: the three roles of the portal, read once per request and kept on the user object.

- regional staff: staff users in the "Regional staff" group (or superusers); they see everything;
- country office staff: staff users attached to one or more `authorities.CountryOffice`; they see their
  countries only;
- officials: users linked to an `authorities.Official`; they never reach the admin.

Relations are followed by name, so this module imports no app and every app may use it.
"""

REGIONAL_STAFF_GROUP = "Regional staff"


def is_regional_staff(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_alp_is_regional"):
        user._alp_is_regional = user.groups.filter(name=REGIONAL_STAFF_GROUP).exists()
    return user._alp_is_regional


def staff_countries(user):
    """The ISO codes of the countries whose office this staff user belongs to (empty for anyone else)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    if not hasattr(user, "_alp_countries"):
        user._alp_countries = frozenset(user.country_offices.values_list("country", flat=True))
    return user._alp_countries


def is_country_staff(user):
    return bool(staff_countries(user)) and not is_regional_staff(user)


def is_staff_member(user):
    return is_regional_staff(user) or is_country_staff(user)
