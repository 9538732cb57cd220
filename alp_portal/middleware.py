"""Staff reach the admin only with a second factor: a staff user without an authenticator app or security key
is sent to set one up first (allauth's MFA pages, where they choose either). The admin's login itself goes
through allauth (`secure_admin_login` in urls.py), so its rate limits and MFA stage apply there too."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .access import access
from .generations import reading_ahead, reads_only


def has_second_factor(user):
    """An authenticator app or a security key enrolled (alp_portal/access.py; recovery codes alone are not)."""
    return access(user).second_factor


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self._admin_prefix)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not has_second_factor(user)
        ):
            messages.warning(
                request,
                _(
                    "Set up two-factor authentication to reach the back office: an authenticator app on your "
                    "phone, or a security key."
                ),
            )
            return redirect("mfa_index")  # both choices, not only the app
        return self.get_response(request)


class PrivateResponseMiddleware:
    """Every response to a signed-in user is personal (a profile, an Automapeo, a calendar, a certificate):
    `Cache-Control: private, no-store`, so that no shared cache (a proxy, a CDN) keeps it and no browser stores
    it on a shared computer. A request without a session cookie is anonymous for sure: its session is not
    read, so public pages and the API keep their own caching and no `Vary: Cookie`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class ReadAheadMiddleware:
    """A page that only reads fetches the kept values it will likely read in one round trip to the cache
    (alp_portal/generations.py): those the same reader's last visit to the same address read. Without a session
    cookie the reader is anonymous and the session is not opened (public pages keep their caching)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not reads_only(request):
            return self.get_response(request)
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        with reading_ahead((request.user.pk if signed_in else None, request.path)):
            return self.get_response(request)
