"""Who is asking, read once per change of access rather than once per page.

Every admin page asked the database four times who its reader is: the regional-staff group, the Django
permissions (the user's and their groups', two joins each) and whether a second factor is enrolled; country office
staff one time more for their countries. About 4 ms of an admin list's 30 (issue 14). These facts change only
when an account, a group, a permission, a country office or an authenticator is saved, deleted or linked, so
they are kept in the shared cache under a generation that every such change replaces (alp_portal/generations.py).
The next page reads them afresh: a role taken away, a permission withdrawn or an authenticator removed takes
effect as before, on the next page, in every process.

The user's own row (active, staff, superuser) is not kept: the authentication middleware reads it on every
request, and facts are only read for an active staff account. A writer that bypasses the ORM's signals (raw SQL,
`QuerySet.update()` on these tables) says so with `generations.written_in_bulk`.
"""

from typing import NamedTuple

from .generations import Generation

ACCESS = Generation("access")

REGIONAL_STAFF_GROUP = "Regional staff"
# Recovery codes alone are a fallback, not a second factor: TOTP or WebAuthn must be there.
SECOND_FACTORS = ("totp", "webauthn")


class Access(NamedTuple):
    regional: bool  # in the regional-staff group
    countries: frozenset  # the ISO codes of the country offices they belong to
    user_permissions: frozenset  # Django's permission strings, as ModelBackend gives them
    group_permissions: frozenset
    second_factor: bool  # an authenticator app or a security key enrolled


def access(user):
    """The access facts of an active staff `user`, kept on the user object for the rest of the request."""
    facts = getattr(user, "_alp_access", None)
    if facts is None:
        facts = user._alp_access = ACCESS.kept(f"user:{user.pk}", lambda: _read(user))
        _prime_permissions(user, facts)
    return facts


def _read(user):
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.backends import ModelBackend

    backend = ModelBackend()
    return Access(
        regional=user.groups.filter(name=REGIONAL_STAFF_GROUP).exists(),
        countries=frozenset(user.country_offices.values_list("country", flat=True)),
        user_permissions=frozenset(backend.get_user_permissions(user)),
        group_permissions=frozenset(backend.get_group_permissions(user)),
        second_factor=Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists(),
    )


def _prime_permissions(user, facts):
    # Django's ModelBackend keeps a user's permissions on the user object under these names for the request,
    # and allauth's backend (a subclass) reads them from there too: filled from the facts, neither queries
    # (tests/test_access.py counts them).
    # (`request.user` is a lazy proxy: attributes are set through it, never through its __dict__.)
    kept = {
        "_user_perm_cache": facts.user_permissions,
        "_group_perm_cache": facts.group_permissions,
        "_perm_cache": facts.user_permissions | facts.group_permissions,
    }
    for name, permissions in kept.items():
        if not hasattr(user, name):
            setattr(user, name, set(permissions))


def connect():
    """Every change that can alter someone's access facts starts a new generation (AppConfig.ready)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    User = get_user_model()
    offices = User._meta.get_field("country_offices")  # by name: alp_portal imports no app (tests/test_layers.py)
    ACCESS.follow(
        *(User, Group, Permission, ContentType, offices.related_model, Authenticator),
        through=(User.groups.through, User.user_permissions.through, Group.permissions.through, offices.through),
    )
