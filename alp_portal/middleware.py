"""Staff reach the admin only with a second factor: a staff user without an authenticator app or security key
is sent to set one up first (allauth's MFA pages, where they choose either). The admin's login itself goes
through allauth (`secure_admin_login` in urls.py), so its rate limits and MFA stage apply there too."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import DEFAULT_CACHE_ALIAS
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
    """A page that only reads fetches its session and the kept values it will likely read in one round trip to
    the cache (alp_portal/generations.py, alp_portal/sessions.py): those the same session's last visit to the
    same address read. Nothing is read for a visitor without a session cookie (public pages keep their caching)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.sessions_fetched = (
            settings.SESSION_ENGINE == "alp_portal.sessions" and settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS
        )

    def __call__(self, request):
        if not reads_only(request):
            return self.get_response(request)
        session = request.session
        if session.session_key is None:
            kind, also = (None, request.path), ()
        else:
            # The learnt keys are the session's; kept under a digest, not the session's own key.
            kind = (hashlib.blake2b(session.session_key.encode(), digest_size=16).digest(), request.path)
            also = (session.cache_key,) if self.sessions_fetched else ()
        with reading_ahead(kind, also):
            return self.get_response(request)
