"""The admin site: Django's, with its list of apps and models kept per kind of visitor.

Every admin page builds that list for its navigation sidebar, asking each of the 31 model admins what the user
may do and reversing two URLs for each: about a fifth of a changelist's time (bench/page_load.py, issue 14).
It depends only on who asks (their role, Django permissions and account flags), the language (its order) and
the site's address, so it is built once per such visitor in each process and copied for each page. The key
holds everything the permission methods read (alp_portal/admin.py ScopeMixin: the role; the admins of the
libraries: Django permissions): a change of role or permission is a new key, never a stale list.
"""

from django.contrib import admin
from django.urls import get_script_prefix
from django.utils.translation import get_language

from .memo import remembered
from .roles import is_country_staff, is_regional_staff

# Lists kept in this process; emptied when full (a few roles and languages fill a handful of entries).
_APP_LISTS = {}
_APP_LISTS_LIMIT = 256


def visitor_key(request):
    """What the admin's list of apps depends on, besides the code: who asks, in which language, where."""
    user = request.user
    role = "regional" if is_regional_staff(user) else "country" if is_country_staff(user) else ""
    permissions = frozenset(user.get_all_permissions()) if user.is_active else frozenset()
    return (
        get_language(),
        get_script_prefix(),
        request.META.get("SCRIPT_NAME", ""),
        user.is_active,
        user.is_staff,
        user.is_superuser,
        role,
        permissions,
    )


class PortalAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        key = (self.name, app_label, visitor_key(request))
        build = super().get_app_list
        app_list = remembered(_APP_LISTS, key, lambda: build(request, app_label), limit=_APP_LISTS_LIMIT)
        # A copy for each page: the lists and dicts are the page's to change.
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in app_list]
